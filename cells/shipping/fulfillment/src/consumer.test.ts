import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, startConsumer, startOutboxRelay, type Bus, type OutboxRelay, type RunningConsumer } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { OrderSubjects, OrdersStream } from '@retail/orders-contract';
import { shippingCell, ShippingStream } from '@retail/shipping-contract';
import { startTestBus, type TestBus } from '@retail/events/testing';
import { waitFor, OPERATOR } from '@retail/testing';
import { deadLetterSubject, durableName } from '@retail/descriptor';
import { fulfillmentTestRig } from '../test/test-app.ts';

/**
 * The cell's event path against a real nats-server: orders events on ORDERS → fulfillment's durable
 * consumer → the shipments core over HTTP → its outbox → shipping events on SHIPPING.
 */
const logger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let test: TestBus;
let bus: Bus;
let relay: OutboxRelay | undefined;
let consumer: RunningConsumer;
let rig: Awaited<ReturnType<typeof fulfillmentTestRig>>;

beforeAll(async () => {
  test = await startTestBus({ name: 'shipping-test', logger, streams: [OrdersStream, ShippingStream] });
  ({ bus } = test);
  rig = await fulfillmentTestRig();
  relay = startOutboxRelay({ db: rig.db, js: bus.js, logger, intervalMs: 20 });
  consumer = startConsumer({
    bus,
    stream: OrdersStream,
    durable: durableName(shippingCell, 'fulfillment'),
    handlers: rig.handlers,
    deadLetterSubject: deadLetterSubject(shippingCell, 'fulfillment'),
    logger,
  });
});

afterAll(async () => {
  await consumer.stop();
  await relay?.stop();
  await rig.close();
  await test.dispose();
});

const address = { name: 'Alice Example', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
const publish = (type: string, data: unknown, msgID?: string) => {
  const event = createEvent({ source: '/cells/orders/orders', type, subject: 'order', data });
  return bus.js.publish(type, JSON.stringify(event), { msgID: msgID ?? event.id }).then(() => event);
};
const onShipping = async (subject: string) => {
  const info = await bus.jsm.streams.info(ShippingStream, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
};
const shipmentOf = (orderId: string) => rig.shipments.list({ orderId, page: 1, pageSize: 20 }, OPERATOR).items[0];

describe('fulfillment on the bus', () => {
  it('ships a confirmed order once, even when the event is delivered twice, and cancels it with the order', async () => {
    const confirmed = await publish(OrderSubjects.confirmed, {
      orderId: 'order-bus-1',
      customerId: 'user-alice',
      lines: [{ sku: 'KIT-CHEF-KNIFE', quantity: 1 }],
      shippingAddress: address,
    });
    await waitFor(async () => (await onShipping('shipping.shipment.created')) === 1 || undefined, {
      what: 'shipping.shipment.created on SHIPPING',
    });
    expect(shipmentOf('order-bus-1')).toMatchObject({ status: 'PENDING', customerId: 'user-alice' });

    // The same CloudEvent again under a new message id, as after a redelivery: the core's inbox makes it harmless.
    await bus.js.publish(OrderSubjects.confirmed, JSON.stringify(confirmed), { msgID: `${confirmed.id}-again` });
    await publish(OrderSubjects.cancelled, { orderId: 'order-bus-1', previousStatus: 'CONFIRMED' });
    await waitFor(async () => (await onShipping('shipping.shipment.cancelled')) === 1 || undefined, {
      what: 'shipping.shipment.cancelled on SHIPPING',
    });
    expect(shipmentOf('order-bus-1')).toMatchObject({ status: 'CANCELLED' });
    expect(await onShipping('shipping.shipment.created')).toBe(1);
  });

  it('dead-letters a malformed order event to shipping.dlq.fulfillment and keeps going', async () => {
    await publish(OrderSubjects.confirmed, { orderId: 'order-bus-2', customerId: 'user-alice', lines: [] });
    await waitFor(async () => (await onShipping('shipping.dlq.fulfillment')) === 1 || undefined, { what: 'a dead letter' });
    expect(shipmentOf('order-bus-2')).toBeUndefined();

    await publish(OrderSubjects.cancelled, { orderId: 'order-never-confirmed', previousStatus: 'PENDING' });
    await publish(OrderSubjects.confirmed, {
      orderId: 'order-bus-3',
      customerId: 'user-bob',
      lines: [{ sku: 'OUT-HEADLAMP', quantity: 3 }],
      shippingAddress: address,
    });
    await waitFor(() => shipmentOf('order-bus-3'), { what: 'the next order shipped' });
    // The cancellation of an order that never had a shipment was done, not dead-lettered.
    expect(await onShipping('shipping.dlq.fulfillment')).toBe(1);
  });
});
