import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEvent,
  startComponentConsumers,
  startOutboxRelay,
  wireSubject,
  type Bus,
  type OutboxRelay,
  type RunningConsumer,
} from '@retail/events';
import { createLogger } from '@retail/kernel';
import { OrderSubjects } from '@retail/orders-contract';
import { shippingCell, ShippingStream } from '@retail/shipping-contract';
import { startTestBus, type TestBus } from '@retail/events/testing';
import { waitFor, OPERATOR } from '@retail/testing';
import { systemCells } from '@retail/topology';
import { fulfillmentTestRig } from '../test/test-app.ts';

/**
 * The cell's event path against a real nats-server with the running system's streams: each orders
 * partition's events on its own stream (ORDERS_1, ORDERS_2) → fulfillment's durable consumers → the
 * shipments core over HTTP → its outbox → shipping events on SHIPPING, addressed to the partition that
 * owns the order.
 */
const system = systemCells();
const logger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let test: TestBus;
let bus: Bus;
let relay: OutboxRelay | undefined;
let consumers: RunningConsumer[];
let rig: Awaited<ReturnType<typeof fulfillmentTestRig>>;

beforeAll(async () => {
  test = await startTestBus({ name: 'shipping-test', logger, cells: system });
  ({ bus } = test);
  rig = await fulfillmentTestRig();
  relay = startOutboxRelay({ db: rig.db, js: bus.js, logger, intervalMs: 20 });
  consumers = startComponentConsumers({ bus, cell: shippingCell, system, component: 'fulfillment', handlers: rig.handlers, logger });
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await relay?.stop();
  await rig.close();
  await test.dispose();
});

const address = { name: 'Alice Example', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
/** An order event as the orders partition that owns the order (`orders-1` unless told) publishes it. */
const publish = (type: string, data: unknown, partition = 'orders-1') => {
  const event = createEvent({ source: `/cells/${partition}/orders`, partition, type, subject: 'order', data });
  return bus.js.publish(wireSubject(event), JSON.stringify(event), { msgID: event.id }).then(() => event);
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
    await waitFor(async () => (await onShipping('shipping.orders-1.shipment.created')) === 1 || undefined, {
      what: 'shipping.orders-1.shipment.created on SHIPPING',
    });
    expect(shipmentOf('order-bus-1')).toMatchObject({ status: 'PENDING', customerId: 'user-alice' });

    // The same CloudEvent again under a new message id, as after a redelivery: the core's inbox makes it harmless.
    await bus.js.publish(wireSubject(confirmed), JSON.stringify(confirmed), { msgID: `${confirmed.id}-again` });
    await publish(OrderSubjects.cancelled, { orderId: 'order-bus-1', previousStatus: 'CONFIRMED' });
    await waitFor(async () => (await onShipping('shipping.orders-1.shipment.cancelled')) === 1 || undefined, {
      what: 'shipping.orders-1.shipment.cancelled on SHIPPING',
    });
    expect(shipmentOf('order-bus-1')).toMatchObject({ status: 'CANCELLED' });
    expect(await onShipping('shipping.orders-1.shipment.created')).toBe(1);
  });

  it('reads every orders partition’s stream, and sends the shipment events of an order of orders-2 to orders-2', async () => {
    await publish(
      OrderSubjects.confirmed,
      { orderId: 'order-bus-p2', customerId: 'user-bob', lines: [{ sku: 'KIT-CHEF-KNIFE', quantity: 1 }], shippingAddress: address },
      'orders-2',
    );
    await waitFor(async () => (await onShipping('shipping.orders-2.shipment.created')) === 1 || undefined, {
      what: 'shipping.orders-2.shipment.created on SHIPPING',
    });
    const shipment = shipmentOf('order-bus-p2')!;
    rig.shipments.dispatch(shipment.id);
    rig.shipments.deliver(shipment.id);
    await waitFor(async () => (await onShipping('shipping.orders-2.shipment.delivered')) === 1 || undefined, {
      what: 'shipping.orders-2.shipment.delivered on SHIPPING',
    });
    expect(await onShipping('shipping.orders-2.shipment.dispatched')).toBe(1);
    // Nothing of it went to orders-1: the first test's order made its only shipment events there.
    expect(await onShipping('shipping.orders-1.shipment.created')).toBe(1);
    expect(await onShipping('shipping.orders-1.shipment.dispatched')).toBe(0);
    for (const [stream, filter] of [
      ['ORDERS_1', 'orders.orders-1.order.*'],
      ['ORDERS_2', 'orders.orders-2.order.*'],
    ])
      expect((await bus.jsm.consumers.info(stream!, 'shipping-fulfillment')).config.filter_subject).toBe(filter);
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
