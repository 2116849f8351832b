import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectBus, createEvent, ensureStream, type Bus, type RunningConsumer } from '@retail/events';
import { InventoryStream } from '@retail/inventory-contract';
import { ordersCell, type Order } from '@retail/orders-contract';
import { ShippingStream } from '@retail/shipping-contract';
import { startTestNats, waitFor, type TestNats } from '@retail/testing';
import { deadLetterSubject } from '@retail/descriptor';
import { startCheckoutConsumers } from './consumers.ts';
import { checkoutTestApp, startOrdersCore, type CheckoutTestApp, type RunningOrdersCore } from '../../test/test-app.ts';

/**
 * The cell's side of the saga over a real nats-server: events published on the inventory and shipping
 * streams move orders in the real orders core, through checkout's durable consumers, as in production.
 */
let nats: TestNats;
let bus: Bus;
let core: RunningOrdersCore;
let t: CheckoutTestApp;
let consumers: RunningConsumer[];
const DLQ = deadLetterSubject(ordersCell, 'checkout');

beforeAll(async () => {
  nats = await startTestNats();
  core = await startOrdersCore();
  t = await checkoutTestApp(core);
  bus = await connectBus({ url: nats.url, name: 'orders-checkout-test', logger: core.logger });
  for (const stream of [InventoryStream, ShippingStream, ordersCell.stream])
    await ensureStream(bus.jsm, { name: stream, subjects: [`${stream.toLowerCase()}.>`] });
  consumers = startCheckoutConsumers({ bus, handlers: t.handlers, logger: core.logger });
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await bus.close();
  await t.close();
  await core.close();
  await nats.dispose();
});

const placeOrder = (): Order => core.placePanOrder(1);
const statusOf = (id: string) => core.orderBook.get(id, { customerId: 'user-alice', operator: true }).status;
const handled = () => consumers.reduce((n, c) => n + c.handled(), 0);
const publish = (event: { type: string; id: string }, msgID = event.id) => bus.js.publish(event.type, JSON.stringify(event), { msgID });
const event = (type: string, data: Record<string, unknown>) =>
  createEvent({ source: `/cells/${type.split('.')[0]}/test`, type, subject: String(data.orderId), data });
const deadLetters = async () => (await bus.jsm.streams.info(ordersCell.stream, { subjects_filter: DLQ })).state.subjects?.[DLQ] ?? 0;

it('moves an order through its life from the inventory and shipping streams', async () => {
  const order = placeOrder();
  await publish(event('inventory.reservation.confirmed', { orderId: order.id, lines: [{ sku: 'KIT-PAN', quantity: 1 }] }));
  await waitFor(() => statusOf(order.id) === 'CONFIRMED' || undefined, { what: 'CONFIRMED' });
  // Other shipping events on the same stream are not checkout's business and are skipped.
  await publish(event('shipping.shipment.created', { shipmentId: 'shp-9', orderId: order.id, carrier: 'UPS', trackingNumber: '1Z' }));
  await publish(
    event('shipping.shipment.dispatched', {
      shipmentId: 'shp-9',
      orderId: order.id,
      lines: [{ sku: 'KIT-PAN', quantity: 1 }],
      carrier: 'UPS',
      trackingNumber: '1Z',
    }),
  );
  await publish(event('shipping.shipment.delivered', { shipmentId: 'shp-9', orderId: order.id }));
  await waitFor(() => statusOf(order.id) === 'DELIVERED' || undefined, { what: 'DELIVERED' });
  expect(core.orderBook.get(order.id, { customerId: 'user-alice', operator: false }).history.map((h) => h.status)).toEqual([
    'PENDING',
    'CONFIRMED',
    'SHIPPED',
    'DELIVERED',
  ]);
});

it('applies an event republished under a new message id only once', async () => {
  const order = placeOrder();
  const rejected = event('inventory.reservation.rejected', {
    orderId: order.id,
    reason: 'insufficient stock: KIT-PAN (requested 1, available 0)',
    shortages: [],
  });
  await publish(rejected);
  await waitFor(() => statusOf(order.id) === 'REJECTED' || undefined, { what: 'REJECTED' });
  const before = handled();
  await publish(rejected, `${rejected.id}-again`);
  await waitFor(() => handled() > before || undefined, { what: 'the redelivery to be handled' });
  expect(core.orderBook.get(order.id, { customerId: 'user-alice', operator: false }).history.map((h) => h.status)).toEqual([
    'PENDING',
    'REJECTED',
  ]);
  expect(await deadLetters()).toBe(0);
});

it('dead-letters events about unknown orders and malformed payloads on orders.dlq.checkout, and keeps going', async () => {
  await publish(event('inventory.reservation.confirmed', { orderId: randomUUID(), lines: [{ sku: 'KIT-PAN', quantity: 1 }] }));
  await publish(event('shipping.shipment.delivered', { orderId: 'no-shipment-id' }));
  const order = placeOrder();
  await publish(event('inventory.reservation.confirmed', { orderId: order.id, lines: [{ sku: 'KIT-PAN', quantity: 1 }] }));
  await waitFor(() => statusOf(order.id) === 'CONFIRMED' || undefined, { what: 'the valid event after the poison ones' });
  await waitFor(async () => (await deadLetters()) === 2 || undefined, { what: 'two dead letters' });
  const { state } = await bus.jsm.streams.info(ordersCell.stream);
  const letters = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const message = await bus.jsm.streams.getMessage(ordersCell.stream, { seq });
    if (message?.subject !== DLQ) continue;
    letters.push({
      subject: message.header.get('Dlq-Original-Subject'),
      consumer: message.header.get('Dlq-Consumer'),
      reason: message.header.get('Dlq-Reason'),
    });
  }
  expect(letters.sort((a, b) => a.subject.localeCompare(b.subject))).toEqual([
    { subject: 'inventory.reservation.confirmed', consumer: 'orders-checkout', reason: expect.stringMatching(/^refused: .*404/) },
    {
      subject: 'shipping.shipment.delivered',
      consumer: 'orders-checkout',
      reason: expect.stringMatching(/^invalid shipping.shipment.delivered: shipmentId/),
    },
  ]);
});
