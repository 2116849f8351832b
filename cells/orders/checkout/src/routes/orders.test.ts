import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '@retail/data';
import { freePort, json } from '@retail/testing';
import type { Order } from '@retail/orders-contract';
import { checkoutTestApp, ORDERS_CELL_TOKEN, ordersCoreForThisFile, type CheckoutTestApp } from '../../test/test-app.ts';

const core = await ordersCoreForThisFile();
let t: CheckoutTestApp;
beforeEach(async () => {
  t = await checkoutTestApp(core);
});
afterEach(() => t.close());

const address = { name: 'Alice Doe', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const basket = {
  lines: [
    { sku: 'KIT-PAN', quantity: 2 },
    { sku: 'KIT-KNIFE', quantity: 1 },
  ],
  shippingAddress: address,
};
/** The same delivery with other lines. */
const basketOf = (lines: unknown[]) => ({ ...basket, lines });

function placeOrder(options: { body?: unknown; raw?: string; key?: string | null; token?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = options.key === undefined ? randomUUID() : options.key;
  if (key !== null) headers['idempotency-key'] = key;
  const token = options.token === undefined ? t.alice : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  return t.app.request('/orders', { method: 'POST', headers, body: options.raw ?? JSON.stringify(options.body ?? basket) });
}

const storedOrders = () => core.storedOrders();
const errorPaths = async (res: Response) => (await json(res)).errors.map((e: { path: string }) => e.path);

describe('checkout: placing an order', () => {
  it('has orders price every line from its copy of the catalog’s prices and store it PENDING, and answers 201', async () => {
    const res = await placeOrder();
    expect(res.status).toBe(201);
    const order = await json(res);
    expect(res.headers.get('location')).toBe(`/orders/${order.id}`);
    expect(order).toMatchObject({
      customerId: 'user-alice',
      status: 'PENDING',
      currency: 'USD',
      lines: [
        { sku: 'KIT-PAN', name: 'Cast Iron Pan', quantity: 2, unitPrice: 4500, lineTotal: 9000, productVersion: 1 },
        { sku: 'KIT-KNIFE', name: 'Chef Knife', quantity: 1, unitPrice: 8900, lineTotal: 8900, productVersion: 1 },
      ],
      total: 17900,
      shippingAddress: address,
    });
    expect(core.orderBook.get(order.id, { customerId: 'user-alice', operator: false })).toEqual(order);
    const events = core.db.select().from(outbox).all();
    expect(events.map((e) => e.subject)).toEqual(['orders.orders-1.order.placed']);
  });

  it('uses the latest price the orders cell heard of, with its version, not an earlier one', async () => {
    core.reprice('KIT-PAN', 3999);
    const order = await json(await placeOrder({ body: basketOf([{ sku: 'KIT-PAN', quantity: 3 }]) }));
    expect(order).toMatchObject({ lines: [{ unitPrice: 3999, lineTotal: 11997, productVersion: 2 }], total: 11997 });
  });

  it('places the order for the customer the token names', async () => {
    const order = await json(await placeOrder({ token: t.bob }));
    expect(order.customerId).toBe('user-bob');
  });
});

describe('checkout: Idempotency-Key', () => {
  it('answers a retry with the same key and body exactly as the first time, storing one order', async () => {
    const first = await placeOrder({ key: 'retry-key-0001' });
    const placed = await json(first.clone());
    // The saga moves the order on before the customer retries…
    core.orderBook.advance(placed.id, { to: 'CONFIRMED' }, randomUUID());
    // …with the same request, its fields in another order.
    const reordered = {
      shippingAddress: { country: 'US', postalCode: '12345', city: 'Springfield', line1: '1 Main St', name: 'Alice Doe' },
      lines: basket.lines,
    };
    const second = await placeOrder({ key: 'retry-key-0001', body: reordered });
    expect(second.status).toBe(201);
    expect(await json(second)).toEqual(placed);
    expect(storedOrders()).toHaveLength(1);
    expect(
      core.db
        .select()
        .from(outbox)
        .all()
        .map((e) => e.subject),
    ).toEqual(['orders.orders-1.order.placed', 'orders.orders-1.order.confirmed']);
  });

  it('refuses the same key with a different body with 422, storing nothing more', async () => {
    await placeOrder({ key: 'reused-key-0001' });
    const res = await placeOrder({ key: 'reused-key-0001', body: basketOf([{ sku: 'KIT-PAN', quantity: 5 }]) });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(res)).toMatchObject({
      type: '/api/problems/idempotency-key-reused',
      title: 'Idempotency-Key reused',
      detail: 'Idempotency-Key was used with a different request.',
    });
    expect(storedOrders()).toHaveLength(1);
    expect(storedOrders()[0]!.total).toBe(17900);
  });

  it('answers a retry from the order placed the first time, at its prices, after a price change or a product was withdrawn', async () => {
    const first = await placeOrder({ key: 'retry-key-0002' });
    expect(first.status).toBe(201);
    const placed = await json(first);
    core.reprice('KIT-PAN', 1);
    const retry = await placeOrder({ key: 'retry-key-0002' });
    expect(retry.status).toBe(201);
    expect(await json(retry)).toEqual(placed);
    core.announce('products.product.deleted', { sku: 'KIT-KNIFE', version: 2 });
    const later = await placeOrder({ key: 'retry-key-0002' });
    expect(later.status).toBe(201);
    expect(await json(later)).toEqual(placed);
    // A new order with the withdrawn product is refused.
    expect((await placeOrder({ key: 'retry-key-0004' })).status).toBe(400);
    expect(storedOrders()).toHaveLength(1);
  });

  it('keeps keys per customer', async () => {
    await placeOrder({ key: 'everyones-key-1' });
    expect((await placeOrder({ key: 'everyones-key-1', token: t.bob })).status).toBe(201);
    expect(storedOrders()).toHaveLength(2);
  });

  it.each([
    ['missing', null],
    ['too short', 'abc'],
    ['with spaces', 'has spaces in it'],
  ])('refuses a %s key with 400 naming Idempotency-Key, storing nothing', async (_name, key) => {
    const res = await placeOrder({ key });
    expect(res.status).toBe(400);
    expect(await errorPaths(res)).toEqual(['Idempotency-Key']);
    expect(storedOrders()).toHaveLength(0);
  });

  it('reports a missing key together with the body’s field errors', async () => {
    const res = await placeOrder({ key: null, body: basketOf([]) });
    expect(await errorPaths(res)).toEqual(['Idempotency-Key', 'lines']);
  });
});

describe('checkout: bad orders', () => {
  it.each([
    ['no lines', basketOf([]), 'lines'],
    ['a zero quantity', basketOf([{ sku: 'KIT-PAN', quantity: 0 }]), 'lines.0.quantity'],
    ['a quantity as a string', basketOf([{ sku: 'KIT-PAN', quantity: '2' }]), 'lines.0.quantity'],
    ['a malformed SKU', basketOf([{ sku: 'kit pan', quantity: 1 }]), 'lines.0.sku'],
    [
      'the same SKU twice',
      basketOf([
        { sku: 'KIT-PAN', quantity: 1 },
        { sku: 'KIT-PAN', quantity: 2 },
      ]),
      'lines',
    ],
    ['a price sent by the client', basketOf([{ sku: 'KIT-PAN', quantity: 1, unitPrice: 1 }]), 'lines.0'],
    ['no address', { lines: basket.lines }, 'shippingAddress'],
    ['a bad country', { ...basket, shippingAddress: { ...address, country: 'usa' } }, 'shippingAddress.country'],
    ['an unknown field', { ...basket, coupon: 'FREE' }, '(root)'],
  ])('refuses %s with 400 and the field error, storing nothing', async (_name, body, path) => {
    const res = await placeOrder({ body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await errorPaths(res)).toContain(path);
    expect(storedOrders()).toHaveLength(0);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await placeOrder({ raw: '{"lines": [' });
    expect(res.status).toBe(400);
    expect((await json(res)).detail).toMatch(/not valid JSON/);
  });

  it('refuses SKUs the orders cell has never heard of, or heard were deleted, with 400 naming each line', async () => {
    core.announce('products.product.deleted', { sku: 'KIT-KNIFE', version: 2 });
    const res = await placeOrder({
      body: basketOf([
        { sku: 'KIT-PAN', quantity: 1 },
        { sku: 'NOPE-404', quantity: 1 },
        { sku: 'KIT-KNIFE', quantity: 2 },
      ]),
    });
    expect(res.status).toBe(400);
    const problem = await json(res);
    expect(problem).toMatchObject({ type: '/api/problems/invalid-request', detail: 'The order names products that do not exist.' });
    expect(problem.errors).toEqual([
      { path: 'lines.1.sku', message: 'There is no product with SKU NOPE-404.' },
      { path: 'lines.2.sku', message: 'There is no product with SKU KIT-KNIFE.' },
    ]);
    expect(storedOrders()).toHaveLength(0);
  });

  it('refuses lines priced in different currencies with 400', async () => {
    const res = await placeOrder({
      body: basketOf([
        { sku: 'KIT-PAN', quantity: 1 },
        { sku: 'EUR-MUG', quantity: 1 },
      ]),
    });
    expect(res.status).toBe(400);
    const problem = await json(res);
    expect(problem.detail).toMatch(/same currency/);
    expect(problem.errors).toEqual([{ path: 'lines.1.sku', message: 'EUR-MUG is priced in EUR, the order in USD.' }]);
    expect(storedOrders()).toHaveLength(0);
  });

  it('needs a token with orders:write: 401 without one, 403 without the scope', async () => {
    expect((await placeOrder({ token: null })).status).toBe(401);
    const reader = await t.tokens.sign({ sub: 'user-alice', scopes: ['orders:read'] });
    expect((await placeOrder({ token: reader })).status).toBe(403);
    expect(storedOrders()).toHaveLength(0);
  });
});

describe('checkout: when it cannot place orders', () => {
  const expectUnavailable = async (res: Response) => {
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json(res);
    expect(JSON.stringify(problem)).not.toMatch(/127\.0\.0\.1|localhost|\.ts:\d+/);
    return problem;
  };

  it('answers 503 prices-unknown with Retry-After while the orders cell has heard no price yet, storing nothing', async () => {
    core.reset({ empty: true });
    const res = await placeOrder();
    const problem = await expectUnavailable(res);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(problem).toMatchObject({ type: '/api/problems/prices-unknown', detail: expect.stringMatching(/not known yet/) });
    expect(storedOrders()).toHaveLength(0);
  });

  it('answers 503 when the orders service is down', async () => {
    await t.close();
    t = await checkoutTestApp(core, { ordersUrl: `http://127.0.0.1:${await freePort()}` });
    expect((await expectUnavailable(await placeOrder())).detail).toBe('Orders cannot be placed right now; try again shortly.');
  });
});

// Cancelling: over real HTTP to the orders core service and a fake shipping gateway.
const placed = (customerId = 'user-alice'): Order => core.placePanOrder(1, customerId);
const confirmed = (): Order => {
  const order = placed();
  return core.orderBook.advance(order.id, { to: 'CONFIRMED', reason: 'stock reserved' }, randomUUID()).order;
};

const cancel = (id: string, token: string | null = t.alice) =>
  t.app.request(`/orders/${id}/cancel`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
const statusOf = (id: string) => core.orderBook.get(id, { customerId: 'user-alice', operator: true }).status;
const outboxTypes = () => core.outboxEvents().map((event) => event.type as string);
const shipmentCancels = () => t.shipping.requests.filter((r) => r.url.endsWith('/cancel'));

describe('checkout: cancelling an order', () => {
  it('cancels a PENDING order without asking the shipping cell: it has no shipment', async () => {
    const order = placed();
    const res = await cancel(order.id);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: order.id, status: 'CANCELLED' });
    expect(core.orderBook.get(order.id, { customerId: 'user-alice', operator: false }).history.at(-1)).toMatchObject({
      status: 'CANCELLED',
      reason: 'cancelled by the customer',
    });
    expect(outboxTypes()).toEqual(['orders.order.placed', 'orders.order.cancelled']);
    expect(shipmentCancels()).toHaveLength(0);
  });

  it('has the shipping cell cancel a CONFIRMED order’s shipment first, with the orders cell’s token, then cancels the order', async () => {
    const order = confirmed();
    const res = await cancel(order.id);
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe('CANCELLED');
    expect(shipmentCancels()).toEqual([
      { method: 'POST', url: `/shipments/by-order/${order.id}/cancel`, authorization: `Bearer ${ORDERS_CELL_TOKEN}` },
    ]);
    expect(outboxTypes()).toEqual(['orders.order.placed', 'orders.order.confirmed', 'orders.order.cancelled']);
  });

  it('cancels a CONFIRMED order whose shipment does not exist yet (the shipping cell remembers the cancellation)', async () => {
    t.shipping.shipment = 'none';
    const order = confirmed();
    expect((await cancel(order.id)).status).toBe(200);
    expect(statusOf(order.id)).toBe('CANCELLED');
  });

  it('refuses with 409 once the shipment is dispatched, and leaves the order to ship', async () => {
    t.shipping.shipment = 'dispatched';
    const order = confirmed();
    const res = await cancel(order.id);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await json(res)).toMatchObject({
      type: '/api/problems/order-state-conflict',
      detail: `Order ${order.id} cannot be cancelled: it has already been dispatched.`,
    });
    expect(statusOf(order.id)).toBe('CONFIRMED');
    expect(outboxTypes()).not.toContain('orders.order.cancelled');
  });

  it('answers 503 and cancels nothing while the shipping cell cannot answer', async () => {
    t.shipping.mode = 'failing';
    const order = confirmed();
    const res = await cancel(order.id);
    expect(res.status).toBe(503);
    expect(statusOf(order.id)).toBe('CONFIRMED');
    expect(outboxTypes()).not.toContain('orders.order.cancelled');
  });

  it('answers 404 for another customer’s order and touches nothing', async () => {
    const bobs = placed('user-bob');
    core.orderBook.advance(bobs.id, { to: 'CONFIRMED' }, randomUUID());
    const res = await cancel(bobs.id);
    expect(res.status).toBe(404);
    expect(shipmentCancels()).toHaveLength(0);
    expect(statusOf(bobs.id)).toBe('CONFIRMED');
  });

  it('relays the orders service’s 409 for an order already shipped, with its status', async () => {
    const order = confirmed();
    core.orderBook.advance(order.id, { to: 'SHIPPED', shipmentId: 'shp-1', carrier: 'UPS', trackingNumber: '1Z999AA1' }, randomUUID());
    const res = await cancel(order.id);
    expect(res.status).toBe(409);
    expect(await json(res)).toMatchObject({
      type: '/api/problems/order-state-conflict',
      title: 'Order state does not allow this',
      orderStatus: 'SHIPPED',
      detail: `Order ${order.id} cannot be cancelled: it has already been dispatched.`,
    });
  });

  it('answers an order already cancelled as it is, and needs orders:write and a token', async () => {
    const order = placed();
    expect((await cancel(order.id)).status).toBe(200);
    const again = await cancel(order.id);
    expect(again.status).toBe(200);
    expect((await json(again)).status).toBe('CANCELLED');
    expect(outboxTypes().filter((type) => type === 'orders.order.cancelled')).toHaveLength(1);
    const reader = await core.tokens.sign({ sub: 'user-alice', scopes: ['orders:read'] });
    expect((await cancel(placed().id, reader)).status).toBe(403);
    expect((await cancel(placed().id, null)).status).toBe(401);
  });
});
