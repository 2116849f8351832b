import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent, wireSubject, type Bus, type CloudEvent, type RunningConsumer } from '@retail/events';
import { startTestBus, type TestBus } from '@retail/events/testing';
import { InventoryStream } from '@retail/inventory-contract';
import { createLogger } from '@retail/kernel';
import type { Order } from '@retail/orders-contract';
import { ShippingStream } from '@retail/shipping-contract';
import { waitFor } from '@retail/testing';
import { deadLetterSubject, durableName } from '@retail/descriptor';
import { systemCells } from '@retail/topology';
import { startCheckoutConsumers } from './consumers.ts';
import { checkoutTestApp, startOrdersCore, type CheckoutTestApp, type RunningOrdersCore } from '../../test/test-app.ts';

/**
 * The cell's side of the saga over a real nats-server with the running system's streams: events the
 * inventory and shipping cells address to a partition move orders in that partition's real orders core,
 * through its checkout's durable consumers, as in production. Two partitions run side by side.
 */
const system = systemCells();
const logger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let test: TestBus;
let bus: Bus;

/** One partition of the orders cell: its core, its checkout, checkout's consumers. */
interface Partition {
  core: RunningOrdersCore;
  t: CheckoutTestApp;
  consumers: RunningConsumer[];
}
let first: Partition;
let second: Partition;

async function startPartition(partition: string): Promise<Partition> {
  const core = await startOrdersCore({ partition });
  const t = await checkoutTestApp(core);
  const consumers = startCheckoutConsumers({ bus, handlers: t.handlers, logger, cell: core.cell, system });
  return { core, t, consumers };
}

/** How many events the server has delivered to a partition's checkout durables so far, per stream. */
const deliveredTo = async ({ core }: Partition) => {
  const durable = durableName(core.cell, 'checkout');
  const delivered = async (stream: string) => (await bus.jsm.consumers.info(stream, durable)).delivered.consumer_seq;
  return { [InventoryStream]: await delivered(InventoryStream), [ShippingStream]: await delivered(ShippingStream) };
};

beforeAll(async () => {
  test = await startTestBus({ name: 'orders-checkout-test', logger, cells: system });
  ({ bus } = test);
  first = await startPartition('orders-1');
  second = await startPartition('orders-2');
  // The consumers create their durables as they start: wait for them, so that counting deliveries can begin.
  const durablesExist = () =>
    Promise.all([deliveredTo(first), deliveredTo(second)]).then(
      () => true,
      () => undefined,
    );
  await waitFor(durablesExist, { what: 'the checkout durables of both partitions' });
});

afterAll(async () => {
  for (const { consumers, t, core } of [first, second]) {
    await Promise.all(consumers.map((c) => c.stop()));
    await t.close();
    await core.close();
  }
  await test.dispose();
});

const placeOrder = (): Order => first.core.placePanOrder(1);
const statusOf = (id: string, { core } = first) => core.orderBook.get(id, { customerId: 'user-alice', operator: true }).status;
const handled = ({ consumers } = first) => consumers.reduce((n, c) => n + c.handled(), 0);
/** Publish as the inventory and shipping cells do: on the event's wire subject, unless a test says otherwise. */
const publish = (event: CloudEvent, msgID = event.id, subject = wireSubject(event)) =>
  bus.js.publish(subject, JSON.stringify(event), { msgID });
/** An answer about an order, addressed to the partition that owns it (`orders-1` unless told). */
const event = (type: string, data: Record<string, unknown>, partition = 'orders-1') =>
  createEvent({ source: `/cells/${type.split('.')[0]}/test`, partition, type, subject: String(data.orderId), data });

/** A partition of the running system, as a cell: its stream, its dead-letter subject. */
const partitionCell = (partition: string) => system.find((cell) => cell.partition === partition)!;
const DLQ = deadLetterSubject(partitionCell('orders-1'), 'checkout');
const deadLetters = async (cell = partitionCell('orders-1')) => {
  const subject = deadLetterSubject(cell, 'checkout');
  return (await bus.jsm.streams.info(cell.stream, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;
};

it('moves an order through its life from the answers addressed to its partition', async () => {
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
  expect(first.core.orderBook.get(order.id, { customerId: 'user-alice', operator: false }).history.map((h) => h.status)).toEqual([
    'PENDING',
    'CONFIRMED',
    'SHIPPED',
    'DELIVERED',
  ]);
});

it('delivers an answer addressed to orders-2 to orders-2’s checkout alone: orders-1’s is never handed it', async () => {
  const order = second.core.placePanOrder(1);
  const firstBefore = { delivered: await deliveredTo(first), handled: handled(first), deadLetters: await deadLetters() };
  const secondDelivered = await deliveredTo(second);
  await publish(event('inventory.reservation.confirmed', { orderId: order.id, lines: [{ sku: 'KIT-PAN', quantity: 1 }] }, 'orders-2'));
  await publish(
    event(
      'shipping.shipment.dispatched',
      { shipmentId: 'shp-2', orderId: order.id, lines: [{ sku: 'KIT-PAN', quantity: 1 }], carrier: 'UPS', trackingNumber: '1Z2' },
      'orders-2',
    ),
  );
  await waitFor(() => statusOf(order.id, second) === 'SHIPPED' || undefined, { what: 'SHIPPED in orders-2' });
  expect(await deliveredTo(second)).toEqual({
    [InventoryStream]: secondDelivered[InventoryStream] + 1,
    [ShippingStream]: secondDelivered[ShippingStream] + 1,
  });
  // orders-1's durables filter on orders-1's answers: the server never delivered these to them.
  expect({ delivered: await deliveredTo(first), handled: handled(first), deadLetters: await deadLetters() }).toEqual(firstBefore);
  expect(await deadLetters(partitionCell('orders-2'))).toBe(0);
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
  expect(first.core.orderBook.get(order.id, { customerId: 'user-alice', operator: false }).history.map((h) => h.status)).toEqual([
    'PENDING',
    'REJECTED',
  ]);
  expect(await deadLetters()).toBe(0);
});

it('dead-letters events about unknown orders, malformed payloads and misaddressed answers on orders.orders-1.dlq.checkout, and keeps going', async () => {
  await publish(event('inventory.reservation.confirmed', { orderId: randomUUID(), lines: [{ sku: 'KIT-PAN', quantity: 1 }] }));
  await publish(event('shipping.shipment.delivered', { orderId: 'no-shipment-id' }));
  // An answer naming orders-2 on orders-1's subject: its envelope and its subject disagree, so it is not applied.
  const misaddressed = placeOrder();
  const lines = [{ sku: 'KIT-PAN', quantity: 1 }];
  await publish(
    event('inventory.reservation.confirmed', { orderId: misaddressed.id, lines }, 'orders-2'),
    undefined,
    'inventory.orders-1.reservation.confirmed',
  );
  const order = placeOrder();
  await publish(event('inventory.reservation.confirmed', { orderId: order.id, lines }));
  await waitFor(() => statusOf(order.id) === 'CONFIRMED' || undefined, { what: 'the valid event after the poison ones' });
  await waitFor(async () => (await deadLetters()) === 3 || undefined, { what: 'three dead letters' });
  expect(statusOf(misaddressed.id)).toBe('PENDING');
  const stream = partitionCell('orders-1').stream;
  const { state } = await bus.jsm.streams.info(stream);
  const letters = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const message = await bus.jsm.streams.getMessage(stream, { seq });
    if (message?.subject !== DLQ) continue;
    letters.push({
      subject: message.header.get('Dlq-Original-Subject'),
      consumer: message.header.get('Dlq-Consumer'),
      reason: message.header.get('Dlq-Reason'),
    });
  }
  expect(letters.sort((a, b) => a.subject.localeCompare(b.subject) || a.reason.localeCompare(b.reason))).toEqual([
    {
      subject: 'inventory.orders-1.reservation.confirmed',
      consumer: 'orders-1-checkout',
      reason: 'inventory.reservation.confirmed about orders-2 arrived on inventory.orders-1.reservation.confirmed',
    },
    {
      subject: 'inventory.orders-1.reservation.confirmed',
      consumer: 'orders-1-checkout',
      reason: expect.stringMatching(/^refused: .*404/),
    },
    {
      subject: 'shipping.orders-1.shipment.delivered',
      consumer: 'orders-1-checkout',
      reason: expect.stringMatching(/^invalid shipping.shipment.delivered: shipmentId/),
    },
  ]);
});
