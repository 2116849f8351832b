import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, PermanentEventError } from '@retail/events';
import { HttpError } from '@retail/http-client';
import { ServiceUnavailableError } from '@retail/kernel';
import type { Order } from '@retail/orders-contract';
import { freePort } from '@retail/testing';
import { OrderBehindError } from './subscriptions.ts';
import { checkoutTestApp, ordersCoreForThisFile, type CheckoutTestApp } from '../../test/test-app.ts';

/** checkout's saga handlers commanding a real orders core service over HTTP. */
const core = await ordersCoreForThisFile();
let t: CheckoutTestApp;
beforeEach(async () => {
  t = await checkoutTestApp(core);
});
afterEach(() => t.close());

const placeOrder = (): Order => core.placePanOrder(3);

const viewOf = (id: string) => core.orderBook.get(id, { customerId: 'user-alice', operator: false });
const outboxTypes = () => core.outboxEvents().map((event) => event.type as string);

/** Hand an event to checkout's handler for its subject, as the consumer does after validating it. */
function deliver(type: string, data: Record<string, unknown>, id: string = randomUUID()) {
  const handler = t.handlers.inventory[type] ?? t.handlers.shipping[type]!;
  const parsed = handler.schema.parse(data);
  return handler.apply(parsed, { ...createEvent({ source: '/cells/test', type, subject: String(data.orderId), data: parsed }), id });
}

const confirmed = (orderId: string) => ({ orderId, lines: [{ sku: 'KIT-PAN', quantity: 3 }] });
const dispatched = (orderId: string) => ({
  shipmentId: 'shp-1',
  orderId,
  lines: [{ sku: 'KIT-PAN', quantity: 3 }],
  carrier: 'UPS',
  trackingNumber: '1Z999AA1',
});

describe('checkout: inventory replies', () => {
  it('confirms the order when its stock is reserved, once, however often the event is delivered', async () => {
    const order = placeOrder();
    const eventId = randomUUID();
    await deliver('inventory.reservation.confirmed', confirmed(order.id), eventId);
    await deliver('inventory.reservation.confirmed', confirmed(order.id), eventId);
    const view = viewOf(order.id);
    expect(view.status).toBe('CONFIRMED');
    expect(view.history.map((h) => [h.status, h.reason])).toEqual([
      ['PENDING', undefined],
      ['CONFIRMED', 'stock reserved'],
    ]);
    expect(outboxTypes()).toEqual(['orders.order.placed', 'orders.order.confirmed']);
  });

  it('rejects the order with inventory’s reason', async () => {
    const order = placeOrder();
    const reason = 'insufficient stock: KIT-PAN (requested 3, available 1)';
    await deliver('inventory.reservation.rejected', {
      orderId: order.id,
      reason,
      shortages: [{ sku: 'KIT-PAN', requested: 3, available: 1 }],
    });
    const view = viewOf(order.id);
    expect(view.status).toBe('REJECTED');
    expect(view.history.at(-1)).toMatchObject({ status: 'REJECTED', reason });
    const rejected = core.outboxEvents().at(-1);
    expect(rejected).toMatchObject({ type: 'orders.order.rejected', data: { orderId: order.id, reason } });
  });

  it('still rejects when inventory’s reason is overlong or blank, rather than leave the order pending', async () => {
    const long = placeOrder();
    const shortages = Array.from({ length: 50 }, (_, i) => `KIT-SKU-${i} (requested 9, available 0)`).join(', ');
    await deliver('inventory.reservation.rejected', { orderId: long.id, reason: `insufficient stock: ${shortages}`, shortages: [] });
    expect(viewOf(long.id).status).toBe('REJECTED');
    const kept = viewOf(long.id).history.at(-1)?.reason ?? '';
    expect(kept.startsWith('insufficient stock: KIT-SKU-0 (requested 9, available 0)')).toBe(true);
    expect(kept.length).toBeLessThanOrEqual(500);
    const blank = placeOrder();
    await deliver('inventory.reservation.rejected', { orderId: blank.id, reason: '  ', shortages: [] });
    expect(viewOf(blank.id).history.at(-1)).toMatchObject({ status: 'REJECTED', reason: 'stock could not be reserved' });
  });

  it('treats a confirmation for an order cancelled meanwhile as done (409: the order has moved on)', async () => {
    const order = placeOrder();
    core.orderBook.cancel(order.id, { customerId: 'user-alice', operator: false });
    await expect(deliver('inventory.reservation.confirmed', confirmed(order.id))).resolves.toBeUndefined();
    expect(viewOf(order.id).status).toBe('CANCELLED');
    expect(outboxTypes()).toEqual(['orders.order.placed', 'orders.order.cancelled']);
  });
});

describe('checkout: shipping replies', () => {
  it('ships the order with the carrier and tracking number, then delivers it', async () => {
    const order = placeOrder();
    await deliver('inventory.reservation.confirmed', confirmed(order.id));
    await deliver('shipping.shipment.dispatched', dispatched(order.id));
    expect(viewOf(order.id)).toMatchObject({ status: 'SHIPPED' });
    expect(viewOf(order.id).history.at(-1)?.reason).toBe('handed to UPS, tracking number 1Z999AA1');
    await deliver('shipping.shipment.delivered', { shipmentId: 'shp-1', orderId: order.id });
    expect(viewOf(order.id).history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED']);
    const events = core.outboxEvents();
    expect(events.map((e) => e.type)).toEqual([
      'orders.order.placed',
      'orders.order.confirmed',
      'orders.order.shipped',
      'orders.order.delivered',
    ]);
    expect(events[2].data).toEqual({ orderId: order.id, shipmentId: 'shp-1', carrier: 'UPS', trackingNumber: '1Z999AA1' });
    expect(events[3].data).toEqual({ orderId: order.id, shipmentId: 'shp-1' });
  });
});

describe('checkout: steps out of order', () => {
  it('retries a delivery that overtook its dispatch (the order may still get there), and applies it after the dispatch', async () => {
    const order = placeOrder();
    await deliver('inventory.reservation.confirmed', confirmed(order.id));
    const delivery = randomUUID();
    await expect(deliver('shipping.shipment.delivered', { shipmentId: 'shp-1', orderId: order.id }, delivery)).rejects.toBeInstanceOf(
      OrderBehindError,
    );
    expect(viewOf(order.id).status).toBe('CONFIRMED');
    await deliver('shipping.shipment.dispatched', dispatched(order.id));
    await deliver('shipping.shipment.delivered', { shipmentId: 'shp-1', orderId: order.id }, delivery);
    expect(viewOf(order.id).history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED']);
  });
});

describe('checkout: a shipment cancelled', () => {
  it('cancels the order it belongs to when the customer’s cancel did not get that far, and announces it', async () => {
    const order = placeOrder();
    await deliver('inventory.reservation.confirmed', confirmed(order.id));
    await deliver('shipping.shipment.cancelled', { shipmentId: 'shp-1', orderId: order.id });
    expect(viewOf(order.id).history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'shipment cancelled' });
    const cancelled = core.outboxEvents().at(-1);
    // What inventory releases the reservation on, and fulfillment cancels the (already cancelled) shipment on.
    expect(cancelled).toMatchObject({ type: 'orders.order.cancelled', data: { orderId: order.id, previousStatus: 'CONFIRMED' } });
  });

  it('changes nothing for an order the customer’s cancel already cancelled', async () => {
    const order = placeOrder();
    core.orderBook.cancel(order.id, { customerId: 'user-alice', operator: false });
    await expect(deliver('shipping.shipment.cancelled', { shipmentId: 'shp-1', orderId: order.id })).resolves.toBeUndefined();
    expect(outboxTypes()).toEqual(['orders.order.placed', 'orders.order.cancelled']);
  });
});

describe('checkout: what cannot be applied', () => {
  it('dead-letters an event about an order that does not exist (a refusal retrying cannot change)', async () => {
    await expect(deliver('inventory.reservation.confirmed', confirmed(randomUUID()))).rejects.toBeInstanceOf(PermanentEventError);
  });

  it('retries (does not dead-letter) while the orders service cannot answer', async () => {
    await t.close();
    t = await checkoutTestApp(core, { ordersUrl: `http://127.0.0.1:${await freePort()}` });
    const order = placeOrder();
    const attempt = deliver('inventory.reservation.confirmed', confirmed(order.id));
    await expect(attempt).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(viewOf(order.id).status).toBe('PENDING');
  });

  it('dead-letters a command the orders service refuses for good (403: checkout lacks orders:internal)', async () => {
    await t.close();
    t = await checkoutTestApp(core, { ordersToken: () => core.tokens.sign({ sub: 'service:orders/checkout', scopes: [] }) });
    const order = placeOrder();
    await expect(deliver('inventory.reservation.confirmed', confirmed(order.id))).rejects.toBeInstanceOf(PermanentEventError);
    expect(viewOf(order.id).status).toBe('PENDING');
  });

  it('retries (does not dead-letter) a 401: the cell’s keys may just not be reachable yet', async () => {
    await t.close();
    t = await checkoutTestApp(core, {
      ordersToken: () => core.tokens.sign({ sub: 'service:orders/checkout', scopes: ['orders:internal'] }, { issuer: 'a-stale-gateway' }),
    });
    const order = placeOrder();
    const attempt = deliver('inventory.reservation.confirmed', confirmed(order.id));
    await expect(attempt).rejects.toBeInstanceOf(HttpError);
    await expect(attempt).rejects.toMatchObject({ status: 401 });
    expect(viewOf(order.id).status).toBe('PENDING');
  });

  it('validates payloads with the producers’ schemas, so the consumer dead-letters malformed ones', () => {
    expect(t.handlers.inventory['inventory.reservation.confirmed']!.schema.safeParse({ lines: [] }).success).toBe(false);
    expect(t.handlers.inventory['inventory.reservation.rejected']!.schema.safeParse({ orderId: 'o-1' }).success).toBe(false);
    expect(t.handlers.shipping['shipping.shipment.dispatched']!.schema.safeParse({ orderId: 'o-1', shipmentId: 's-1' }).success).toBe(
      false,
    );
    expect(t.handlers.shipping['shipping.shipment.delivered']!.schema.safeParse({ orderId: 'o-1' }).success).toBe(false);
  });
});
