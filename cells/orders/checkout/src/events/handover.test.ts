import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, PermanentEventError } from '@retail/events';
import { ServiceUnavailableError } from '@retail/kernel';
import { freePort } from '@retail/testing';
import type { Order } from '@retail/orders-contract';
import {
  checkoutTestApp,
  ordersCoreForThisFile,
  standInPartitionGateway,
  startOrdersCore,
  type CheckoutTestApp,
  type RunningOrdersCore,
} from '../../test/test-app.ts';
import { CustomerBeingMovedError, MAX_HANDOVERS } from './subscriptions.ts';

/**
 * Saga steps about orders whose customer moved from this partition (A, `orders-1`) to another (B,
 * `orders-2`): checkout of A hands them over to B's real orders core through what stands for B's gateway.
 */
const a = await ordersCoreForThisFile();
const b = await startOrdersCore({ partition: 'orders-2' });
const gatewayOfB = await standInPartitionGateway(b);
beforeEach(() => {
  b.reset();
  gatewayOfB.requests.length = 0;
});
afterAll(async () => {
  await gatewayOfB.close();
  await b.close();
});
let t: CheckoutTestApp;
beforeEach(async () => {
  t = await checkoutTestApp(a, { partitionGateways: { 'orders-2': gatewayOfB.url } });
});
afterEach(() => t.close());

const alice = { customerId: 'user-alice', operator: false };
const viewIn = (core: RunningOrdersCore, id: string) => core.orderBook.get(id, alice);
const typesIn = (core: RunningOrdersCore) => core.outboxEvents().map((e) => e.type as string);

function deliver(type: string, data: Record<string, unknown>, id: string = randomUUID()) {
  const handler = t.handlers.inventory[type] ?? t.handlers.shipping[type]!;
  const parsed = handler.schema.parse(data);
  return handler.apply(parsed, { ...createEvent({ source: '/cells/test', type, subject: String(data.orderId), data: parsed }), id });
}
const confirmed = (order: Order, id?: string) =>
  deliver('inventory.reservation.confirmed', { orderId: order.id, lines: [{ sku: 'KIT-PAN', quantity: 3 }] }, id);
const dispatched = (order: Order, id?: string) =>
  deliver(
    'shipping.shipment.dispatched',
    { shipmentId: 'shp-1', orderId: order.id, lines: [{ sku: 'KIT-PAN', quantity: 3 }], carrier: 'UPS', trackingNumber: '1Z1' },
    id,
  );

/** The migration controller's steps, straight on the two cores: freeze in A, copy to B, release in A. */
function moveAlice(from = a, to = b, migrationId = randomUUID()) {
  const move = { migrationId, to: to.cell.partition! };
  from.migration.freeze('user-alice', move);
  const bundle = from.migration.exportBundle('user-alice', migrationId);
  to.migration.import('user-alice', { migrationId, bundle });
  from.migration.release('user-alice', move);
}

describe('checkout: a step for an order that moved to another partition', () => {
  it('is handed over to the order’s partition, with the event id, and applied there once however often it comes', async () => {
    const order = a.placePanOrder(3);
    await confirmed(order);
    moveAlice();
    const eventId = randomUUID();
    await dispatched(order, eventId);
    await dispatched(order, eventId);
    expect(viewIn(b, order.id).history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED']);
    expect(typesIn(b)).toEqual(['orders.order.shipped']);
    expect(typesIn(a)).toEqual(['orders.order.placed', 'orders.order.confirmed']);
    expect(gatewayOfB.requests).toEqual([
      { method: 'POST', url: `/migration/orders/${order.id}/transitions`, key: eventId },
      { method: 'POST', url: `/migration/orders/${order.id}/transitions`, key: eventId },
    ]);
  });

  it('changes nothing when it was applied before the move (its key came along)', async () => {
    const order = a.placePanOrder(3);
    const eventId = randomUUID();
    await confirmed(order, eventId);
    moveAlice();
    await expect(confirmed(order, eventId)).resolves.toBeUndefined();
    expect(viewIn(b, order.id).history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(typesIn(b)).toEqual([]);
    expect(gatewayOfB.requests).toHaveLength(1);
  });

  it('is retried while the customer is frozen, then handed over once the move is done', async () => {
    const order = a.placePanOrder(3);
    const migrationId = randomUUID();
    a.migration.freeze('user-alice', { migrationId, to: 'orders-2' });
    const eventId = randomUUID();
    const attempt = confirmed(order, eventId);
    await expect(attempt).rejects.toBeInstanceOf(CustomerBeingMovedError);
    await expect(attempt).rejects.not.toBeInstanceOf(PermanentEventError);
    expect(viewIn(a, order.id).status).toBe('PENDING');
    b.migration.import('user-alice', { migrationId, bundle: a.migration.exportBundle('user-alice', migrationId) });
    a.migration.release('user-alice', { migrationId, to: 'orders-2' });
    await confirmed(order, eventId); // the redelivery
    expect(viewIn(b, order.id).status).toBe('CONFIRMED');
    expect(typesIn(b)).toEqual(['orders.order.confirmed']);
  });

  it('is applied here after all when the move is rolled back', async () => {
    const order = a.placePanOrder(3);
    const migrationId = randomUUID();
    a.migration.freeze('user-alice', { migrationId, to: 'orders-2' });
    const eventId = randomUUID();
    await expect(confirmed(order, eventId)).rejects.toBeInstanceOf(CustomerBeingMovedError);
    a.migration.unfreeze('user-alice', { migrationId });
    await confirmed(order, eventId);
    expect(viewIn(a, order.id).status).toBe('CONFIRMED');
    expect(gatewayOfB.requests).toEqual([]);
  });

  it('is retried while the customer is frozen in the partition it was handed to', async () => {
    const order = a.placePanOrder(3);
    moveAlice();
    b.migration.freeze('user-alice', { migrationId: randomUUID(), to: 'orders-1' });
    await expect(confirmed(order)).rejects.toBeInstanceOf(CustomerBeingMovedError);
    expect(viewIn(b, order.id).status).toBe('PENDING');
  });

  it(`follows an order moving on at most ${MAX_HANDOVERS} times, then dead-letters the event`, async () => {
    const order = a.placePanOrder(3);
    moveAlice();
    // B says the order moved on to… B (a stale tombstone): the step would go round for ever.
    const migrationId = randomUUID();
    b.migration.freeze('user-alice', { migrationId, to: 'orders-2' });
    b.migration.release('user-alice', { migrationId, to: 'orders-2' });
    await expect(confirmed(order)).rejects.toBeInstanceOf(PermanentEventError);
    expect(gatewayOfB.requests).toHaveLength(MAX_HANDOVERS);
  });

  it('is retried while the order’s partition cannot answer, or is not known to this process', async () => {
    const order = a.placePanOrder(3);
    moveAlice();
    await t.close();
    t = await checkoutTestApp(a, { partitionGateways: { 'orders-2': `http://127.0.0.1:${await freePort()}` } });
    await expect(confirmed(order)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await t.close();
    t = await checkoutTestApp(a, { partitionGateways: {} });
    const unknown = confirmed(order);
    await expect(unknown).rejects.not.toBeInstanceOf(PermanentEventError);
    await expect(unknown).rejects.toThrow(/ORDERS_2_GATEWAY_URL/);
    expect(viewIn(b, order.id).status).toBe('PENDING');
  });

  it('dead-letters what the order’s partition refuses for good (an unknown order there: 404)', async () => {
    const order = a.placePanOrder(3);
    moveAlice();
    b.reset();
    await expect(confirmed(order)).rejects.toBeInstanceOf(PermanentEventError);
  });
});
