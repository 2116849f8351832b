import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { outboxSubjects } from '@retail/data/testing';
import { createEvent, PermanentEventError, type CloudEvent } from '@retail/events';
import { ServiceUnavailableError } from '@retail/kernel';
import { OrderSubjects, type OrderCancelledEvent, type OrderConfirmedEvent } from '@retail/orders-contract';
import { freePort, OPERATOR } from '@retail/testing';
import { fulfillmentHandlers } from './handlers.ts';
import { fulfillmentTestRig } from '../test/test-app.ts';

let rig: Awaited<ReturnType<typeof fulfillmentTestRig>>;
beforeEach(async () => {
  rig = await fulfillmentTestRig();
});
afterEach(() => rig.close());

/** An order's events, as the orders partition that owns it (`orders-1` unless told) announces them. */
const confirmed = (
  orderId: string,
  overrides: Partial<OrderConfirmedEvent> = {},
  partition = 'orders-1',
): CloudEvent<OrderConfirmedEvent> =>
  createEvent({
    source: `/cells/${partition}/orders`,
    partition,
    type: OrderSubjects.confirmed,
    subject: orderId,
    data: {
      orderId,
      customerId: 'user-alice',
      lines: [{ sku: 'KIT-CHEF-KNIFE', quantity: 2 }],
      shippingAddress: { name: 'Alice Example', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
      ...overrides,
    },
  });
const cancelled = (orderId: string, partition = 'orders-1'): CloudEvent<OrderCancelledEvent> =>
  createEvent({
    source: `/cells/${partition}/orders`,
    partition,
    type: OrderSubjects.cancelled,
    subject: orderId,
    data: { orderId, previousStatus: 'CONFIRMED' },
  });

/** As the consumer does: validate the data with the handler's schema, then apply. */
const deliver = async (event: CloudEvent, handlers = rig.handlers) => {
  const handler = handlers[event.type]!;
  return handler.apply(handler.schema.parse(event.data), event);
};
const shipmentOf = (orderId: string) => rig.shipments.list({ orderId, page: 1, pageSize: 20 }, OPERATOR).items;
const subjects = () => outboxSubjects(rig.db);

describe('orders.order.confirmed → create the shipment', () => {
  it('creates a PENDING shipment for the order with its customer, address and lines', async () => {
    const event = confirmed('order-1');
    await deliver(event);
    const [shipment] = shipmentOf('order-1');
    expect(shipment).toMatchObject({
      customerId: 'user-alice',
      status: 'PENDING',
      address: event.data.shippingAddress,
      lines: event.data.lines,
    });
    expect(subjects()).toEqual(['shipping.orders-1.shipment.created']);
  });

  it('ships an order of orders-2 as orders-2’s: every event of its shipment is addressed to that partition', async () => {
    await deliver(confirmed('order-p2', {}, 'orders-2'));
    await deliver(cancelled('order-p2', 'orders-2'));
    expect(shipmentOf('order-p2')[0]).toMatchObject({ status: 'CANCELLED' });
    expect(subjects()).toEqual(['shipping.orders-2.shipment.created', 'shipping.orders-2.shipment.cancelled']);
  });

  it('dead-letters a confirmation that names no orders partition, creating nothing', async () => {
    const { partition: _, ...unaddressed } = confirmed('order-nowhere');
    await expect(deliver(unaddressed)).rejects.toThrow(PermanentEventError);
    await expect(deliver(unaddressed)).rejects.toThrow(/names no orders partition to answer/);
    expect(shipmentOf('order-nowhere')).toHaveLength(0);
    expect(subjects()).toEqual([]);
  });

  it('creates one shipment when the event is delivered again, or the order confirmed twice', async () => {
    const event = confirmed('order-1');
    await deliver(event);
    await deliver(event);
    await deliver(confirmed('order-1'));
    expect(shipmentOf('order-1')).toHaveLength(1);
    expect(subjects()).toEqual(['shipping.orders-1.shipment.created']);
  });

  it('dead-letters an order the core refuses (400): retrying cannot change the answer', async () => {
    const duplicateLines = confirmed('order-2', {
      lines: [
        { sku: 'KIT-CHEF-KNIFE', quantity: 1 },
        { sku: 'KIT-CHEF-KNIFE', quantity: 1 },
      ],
    });
    await expect(deliver(duplicateLines)).rejects.toThrow(PermanentEventError);
    await expect(deliver(duplicateLines)).rejects.toThrow(/answered 400/);
    expect(shipmentOf('order-2')).toHaveLength(0);
  });

  it('dead-letters when the core refuses its token (403)', async () => {
    const unscoped = fulfillmentHandlers({ shipments: rig.clientFor([]), logger: rig.logger });
    await expect(deliver(confirmed('order-3'), unscoped)).rejects.toThrow(PermanentEventError);
    expect(shipmentOf('order-3')).toHaveLength(0);
  });

  it('leaves the event for a retry (not a dead letter) when the core does not answer', async () => {
    const down = fulfillmentHandlers({
      shipments: rig.clientFor(['shipping:internal'], `http://127.0.0.1:${await freePort()}`),
      logger: rig.logger,
    });
    const failure = await deliver(confirmed('order-4'), down).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(failure).not.toBeInstanceOf(PermanentEventError);
  });
});

describe('orders.order.cancelled → cancel the shipment', () => {
  it('cancels the PENDING shipment of the order', async () => {
    await deliver(confirmed('order-1'));
    await deliver(cancelled('order-1'));
    expect(shipmentOf('order-1')[0]).toMatchObject({ status: 'CANCELLED' });
    expect(subjects()).toEqual(['shipping.orders-1.shipment.created', 'shipping.orders-1.shipment.cancelled']);
  });

  it('cancels once when the event is delivered again', async () => {
    await deliver(confirmed('order-1'));
    const event = cancelled('order-1');
    await deliver(event);
    await deliver(event);
    expect(subjects()).toEqual(['shipping.orders-1.shipment.created', 'shipping.orders-1.shipment.cancelled']);
  });

  it('treats an order cancelled before it was confirmed (no shipment, 404) as done', async () => {
    const info = vi.spyOn(rig.logger, 'info');
    await expect(deliver(cancelled('order-never-confirmed'))).resolves.toBeUndefined();
    expect(info).toHaveBeenCalledWith(expect.objectContaining({ status: 404 }), expect.stringMatching(/before it was confirmed/));
    expect(subjects()).toEqual([]);
  });

  it('treats a shipment already dispatched (409) as done, with a warning, and the shipment goes ahead', async () => {
    await deliver(confirmed('order-1'));
    rig.shipments.dispatch(shipmentOf('order-1')[0]!.id);
    const warn = vi.spyOn(rig.logger, 'warn');
    await expect(deliver(cancelled('order-1'))).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ status: 409 }), expect.stringMatching(/after its shipment was dispatched/));
    expect(shipmentOf('order-1')[0]).toMatchObject({ status: 'DISPATCHED' });
    expect(subjects()).not.toContain('shipping.orders-1.shipment.cancelled');
  });
});

describe('the events it accepts', () => {
  it('validates with the orders contract, so a malformed event is dead-lettered by the consumer', () => {
    expect(rig.handlers[OrderSubjects.confirmed]!.schema.safeParse({ orderId: 'order-1', lines: [] }).success).toBe(false);
    expect(rig.handlers[OrderSubjects.cancelled]!.schema.safeParse({ orderId: 'order-1', previousStatus: 'LOST' }).success).toBe(false);
    expect(Object.keys(rig.handlers).sort()).toEqual(['orders.order.cancelled', 'orders.order.confirmed']);
  });
});
