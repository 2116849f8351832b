import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { FORWARDED_USER_HEADER } from '@retail/auth';
import { inbox } from '@retail/data';
import type { Order } from '@retail/orders-contract';
import { json } from '@retail/testing';
import { orderHistory, orders } from '../db/schema.ts';
import { ProductSubjects } from '@retail/products-contract';
import { exampleProducts } from '@retail/orders-contract/testing';
import { announce, caller, orderCommand, ordersTestApp, testAddress, type OrdersTestApp } from '../../test/test-app.ts';

const pan = exampleProducts[0]!;
import { outboxEvents, outboxSubjects } from '@retail/data/testing';

let t: OrdersTestApp;
beforeEach(async () => {
  t = await ordersTestApp();
  return t.close;
});
/**
 * A request as checkout sends it: a placement carries the internal token of the
 * customer it is for, unless the test says otherwise. `t` is replaced before each test: ask whichever
 * app is the current one.
 */
const call: ReturnType<typeof caller> = (method, path, options = {}) => {
  if (!/^\/internal\/orders$/.test(path) || options.headers?.[FORWARDED_USER_HEADER] !== undefined) return caller(t)(method, path, options);
  const named = (options.body as { customerId?: string })?.customerId;
  const customer = named === 'user-bob' ? t.bob : t.alice;
  return caller(t)(method, path, { ...options, headers: { ...options.headers, [FORWARDED_USER_HEADER]: customer } });
};

/** The placed order's lines as its events carry them: what to reserve and to ship, without prices. */
const announcedLines = [
  { sku: 'KIT-PAN', quantity: 2 },
  { sku: 'KIT-KNIFE', quantity: 1 },
];
/** The order a 201 answer made, once it has said where the order lives. */
const created = async (res: Response): Promise<Order> => {
  expect(res.status).toBe(201);
  const order = await json(res);
  expect(res.headers.get('location')).toBe(`/orders/${order.id}`);
  return order;
};
const place = async (overrides: Record<string, unknown> = {}) =>
  created(await call('POST', '/internal/orders', { token: t.checkout, body: orderCommand(overrides) }));
const move = (id: string, body: unknown, key: string | null = randomUUID(), token = t.checkout) =>
  call('POST', `/internal/orders/${id}/transitions`, { token, body, headers: key === null ? {} : { 'idempotency-key': key } });

describe('orders: POST /internal/orders (place)', () => {
  it('stores the order PENDING with its history and announces orders.order.placed in the same transaction', async () => {
    const order = await created(await call('POST', '/internal/orders', { token: t.checkout, body: orderCommand() }));
    expect(order).toMatchObject({
      customerId: 'user-alice',
      status: 'PENDING',
      total: 17900,
      currency: 'USD',
      shippingAddress: testAddress,
      lines: [
        { sku: 'KIT-PAN', name: 'Cast Iron Pan', quantity: 2, unitPrice: 4500, lineTotal: 9000, productVersion: 1 },
        { sku: 'KIT-KNIFE', name: 'Chef Knife', quantity: 1, unitPrice: 8900, lineTotal: 8900, productVersion: 1 },
      ],
    });
    expect(order.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(order.history).toEqual([{ status: 'PENDING', at: order.createdAt }]);
    const [event] = outboxEvents(t.db);
    expect(outboxSubjects(t.db)).toEqual(['orders.orders-1.order.placed']);
    expect(event).toMatchObject({ specversion: '1.0', source: '/cells/orders-1/orders', partition: 'orders-1', subject: order.id });
    expect(event.data).toEqual({
      orderId: order.id,
      customerId: 'user-alice',
      lines: announcedLines,
      total: 17900,
      currency: 'USD',
      shippingAddress: testAddress,
    });
  });

  it('announces the orders of a partition on its own subjects, naming the partition: orders-2’s go out as orders.orders-2.*', async () => {
    const second = await ordersTestApp({ partition: 'orders-2' });
    try {
      const placed = await caller(second)('POST', '/internal/orders', {
        token: second.checkout,
        body: orderCommand(),
        headers: { [FORWARDED_USER_HEADER]: second.alice },
      });
      const order = await created(placed);
      const confirm = { token: second.checkout, body: { to: 'CONFIRMED' }, headers: { 'idempotency-key': randomUUID() } };
      expect((await caller(second)('POST', `/internal/orders/${order.id}/transitions`, confirm)).status).toBe(200);
      expect(outboxSubjects(second.db)).toEqual(['orders.orders-2.order.placed', 'orders.orders-2.order.confirmed']);
      for (const event of outboxEvents(second.db))
        expect(event).toMatchObject({ source: '/cells/orders-2/orders', partition: 'orders-2', subject: order.id });
      // Each partition has its own data: the first one's database holds nothing of it.
      expect(t.db.select().from(orders).all()).toHaveLength(0);
      expect(outboxSubjects(t.db)).toHaveLength(0);
    } finally {
      second.close();
    }
  });

  it('answers a replay (same key, same request) exactly as the first time, storing nothing new', async () => {
    const command = orderCommand({ idempotencyKey: 'replay-key-1' });
    const first = await json(await call('POST', '/internal/orders', { token: t.checkout, body: command }));
    // The saga moves on before the client retries: the retry still gets the placement's answer…
    await move(first.id, { to: 'CONFIRMED' });
    const again = await call('POST', '/internal/orders', { token: t.checkout, body: command });
    expect(again.status).toBe(200);
    expect(again.headers.get('location')).toBe(`/orders/${first.id}`);
    expect(await json(again)).toEqual(first);
    // …and the order itself is where the saga took it.
    expect((await json(await call('GET', `/orders/${first.id}`, { token: t.alice }))).status).toBe('CONFIRMED');
    expect(t.db.select().from(orders).all()).toHaveLength(1);
    expect(outboxSubjects(t.db)).toEqual(['orders.orders-1.order.placed', 'orders.orders-1.order.confirmed']);
  });

  it('refuses the same key with a different request with 422, writing nothing', async () => {
    await place({ idempotencyKey: 'reused-key-1' });
    const res = await call('POST', '/internal/orders', {
      token: t.checkout,
      body: orderCommand({ idempotencyKey: 'reused-key-1', requestHash: 'b'.repeat(64) }),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(res)).toMatchObject({
      type: '/api/problems/idempotency-key-reused',
      detail: 'Idempotency-Key was used with a different request.',
    });
    expect(t.db.select().from(orders).all()).toHaveLength(1);
    expect(outboxSubjects(t.db)).toHaveLength(1);
  });

  it('keeps idempotency keys per customer: the same key from two customers makes two orders', async () => {
    const a = await place({ idempotencyKey: 'shared-key-1' });
    const b = await place({ idempotencyKey: 'shared-key-1', customerId: 'user-bob' });
    expect(a.id).not.toBe(b.id);
    expect(b.customerId).toBe('user-bob');
  });

  it.each([
    ['a missing customer', { customerId: undefined }, 'customerId'],
    ['no lines', { lines: [] }, 'lines'],
    ['a quantity as a string', { lines: [{ sku: 'KIT-PAN', quantity: '2' }] }, 'lines.0.quantity'],
    ['a price sent along (the core prices, not the caller)', { lines: [{ sku: 'KIT-PAN', quantity: 2, unitPrice: 1 }] }, 'lines.0'],
    ['a total sent along', { total: 100 }, '(root)'],
    ['a bad address', { shippingAddress: { ...testAddress, country: 'usa' } }, 'shippingAddress.country'],
    ['a short idempotency key', { idempotencyKey: 'short' }, 'idempotencyKey'],
    ['an unknown field', { status: 'CONFIRMED' }, '(root)'],
  ])('refuses %s with 400 and the field error, writing nothing', async (_name, overrides, path) => {
    const res = await call('POST', '/internal/orders', { token: t.checkout, body: orderCommand(overrides) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(t.db.select().from(orders).all()).toHaveLength(0);
    expect(outboxSubjects(t.db)).toHaveLength(0);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await call('POST', '/internal/orders', { token: t.checkout, raw: '{"customerId": "user-alice",' });
    expect(res.status).toBe(400);
    expect((await json(res)).detail).toMatch(/not valid JSON/);
  });

  it('accepts only the cell’s workload token: 401 without a token, 403 for a customer', async () => {
    expect((await call('POST', '/internal/orders', { body: orderCommand() })).status).toBe(401);
    const otherCell = await t.tokens.sign({ scopes: ['orders:internal'] }, { audience: 'cell:inventory' });
    expect((await call('POST', '/internal/orders', { token: otherCell, body: orderCommand() })).status).toBe(401);
    const res = await call('POST', '/internal/orders', { token: t.alice, body: orderCommand() });
    expect(res.status).toBe(403);
    expect((await call('POST', '/internal/orders', { token: t.admin, body: orderCommand() })).status).toBe(403);
    expect(t.db.select().from(orders).all()).toHaveLength(0);
  });

  it("refuses any workload but checkout's: the core's own token cannot place an order", async () => {
    const core = await t.tokens.sign({ sub: 'service:orders/orders', scopes: ['orders:internal'] });
    const res = await call('POST', '/internal/orders', { token: core, body: orderCommand() });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await call('POST', `/internal/orders/${randomUUID()}/transitions`, { token: core, body: { to: 'CONFIRMED' } })).status).toBe(
      403,
    );
    expect(t.db.select().from(orders).all()).toHaveLength(0);
  });

  it('places an order only for the customer checkout acts for, whatever the body says', async () => {
    const forBob = orderCommand({ customerId: 'user-bob' });
    const asAlice = { [FORWARDED_USER_HEADER]: t.alice };
    expect((await call('POST', '/internal/orders', { token: t.checkout, body: forBob, headers: asAlice })).status).toBe(403);
    // Without a customer, with a workload token in a customer's place, or with a token that is no token.
    const noCustomer = { [FORWARDED_USER_HEADER]: '' };
    expect((await call('POST', '/internal/orders', { token: t.checkout, body: forBob, headers: noCustomer })).status).toBe(403);
    const notACustomer = { [FORWARDED_USER_HEADER]: t.checkout };
    expect((await call('POST', '/internal/orders', { token: t.checkout, body: orderCommand(), headers: notACustomer })).status).toBe(403);
    const forged = { [FORWARDED_USER_HEADER]: 'not-a-token' };
    expect((await call('POST', '/internal/orders', { token: t.checkout, body: orderCommand(), headers: forged })).status).toBe(403);
    expect(t.db.select().from(orders).all()).toHaveLength(0);
  });
});

describe('orders: POST /internal/orders prices from its projection of the catalog', () => {
  const placing = (body: Record<string, unknown>) => call('POST', '/internal/orders', { token: t.checkout, body: orderCommand(body) });
  const nothingWritten = () => {
    expect(t.db.select().from(orders).all()).toHaveLength(0);
    expect(outboxSubjects(t.db)).toHaveLength(0);
  };

  it('prices at the latest version it heard of, and records that version on each line', async () => {
    announce(t.db, ProductSubjects.updated, { product: { ...pan, version: 2, price: { amount: 3900, currency: 'USD' } } });
    const order = await created(await placing({ lines: [{ sku: 'KIT-PAN', quantity: 2 }] }));
    expect(order).toMatchObject({ total: 7800, lines: [{ sku: 'KIT-PAN', unitPrice: 3900, lineTotal: 7800, productVersion: 2 }] });
  });

  it('ignores an older version arriving late, and the same version again', async () => {
    announce(t.db, ProductSubjects.updated, { product: { ...pan, version: 3, price: { amount: 5000, currency: 'USD' } } });
    announce(t.db, ProductSubjects.updated, { product: { ...pan, version: 2, price: { amount: 1, currency: 'USD' } } });
    announce(t.db, ProductSubjects.updated, { product: { ...pan, version: 3, price: { amount: 2, currency: 'USD' } } });
    const order = await created(await placing({ lines: [{ sku: 'KIT-PAN', quantity: 1 }] }));
    expect(order.lines[0]).toMatchObject({ unitPrice: 5000, productVersion: 3 });
  });

  it('refuses SKUs it never heard of with 400 naming each line, writing nothing', async () => {
    const res = await placing({
      lines: [
        { sku: 'KIT-PAN', quantity: 1 },
        { sku: 'NOPE-404', quantity: 1 },
      ],
    });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({
      type: '/api/problems/invalid-request',
      errors: [{ path: 'lines.1.sku', message: 'There is no product with SKU NOPE-404.' }],
    });
    nothingWritten();
  });

  it('refuses a deleted product with the same 400, and prices it again once it is created anew', async () => {
    announce(t.db, ProductSubjects.deleted, { sku: 'KIT-PAN', version: 2 }, '2026-02-01T00:00:00.000Z');
    // The creation of the life that just ended, delivered again late: still deleted.
    announce(t.db, ProductSubjects.created, { product: pan });
    const res = await placing({ lines: [{ sku: 'KIT-PAN', quantity: 1 }] });
    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([{ path: 'lines.0.sku', message: 'There is no product with SKU KIT-PAN.' }]);
    nothingWritten();
    const anew = { ...pan, price: { amount: 4700, currency: 'USD' as const }, createdAt: '2026-03-01T00:00:00.000Z' };
    announce(t.db, ProductSubjects.created, { product: anew });
    const order = await created(await placing({ lines: [{ sku: 'KIT-PAN', quantity: 1 }] }));
    expect(order.lines[0]).toMatchObject({ unitPrice: 4700, productVersion: 1 });
  });

  it('keeps a deletion that overtook the creation: the late creation of that life changes nothing', async () => {
    announce(t.db, ProductSubjects.deleted, { sku: 'HOM-VASE', version: 2 }, '2026-02-01T00:00:00.000Z');
    announce(t.db, ProductSubjects.created, { product: { ...pan, sku: 'HOM-VASE' } });
    expect((await placing({ lines: [{ sku: 'HOM-VASE', quantity: 1 }] })).status).toBe(400);
  });

  it('refuses lines in different currencies with 400, writing nothing', async () => {
    const res = await placing({
      lines: [
        { sku: 'KIT-PAN', quantity: 1 },
        { sku: 'EUR-MUG', quantity: 1 },
      ],
    });
    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([{ path: 'lines.1.sku', message: 'EUR-MUG is priced in EUR, the order in USD.' }]);
    nothingWritten();
  });

  it('answers 409 pricesUnknown while it has heard of no product at all, and replays what was placed before', async () => {
    const fresh = await ordersTestApp({ catalog: false });
    try {
      const res = await caller(fresh)('POST', '/internal/orders', {
        token: fresh.checkout,
        body: orderCommand(),
        headers: { [FORWARDED_USER_HEADER]: fresh.alice },
      });
      expect(res.status).toBe(409);
      expect(await json(res)).toMatchObject({ pricesUnknown: true, detail: expect.stringMatching(/not known yet/) });
      expect(fresh.db.select().from(orders).all()).toHaveLength(0);
      // One event, even a deletion, and an unknown SKU is the customer's mistake again.
      announce(fresh.db, ProductSubjects.deleted, { sku: 'OTHER-SKU', version: 2 });
      const known = await caller(fresh)('POST', '/internal/orders', {
        token: fresh.checkout,
        body: orderCommand(),
        headers: { [FORWARDED_USER_HEADER]: fresh.alice },
      });
      expect(known.status).toBe(400);
    } finally {
      fresh.close();
    }
    // A replay needs no price: the order placed under the key is answered even once the product is gone.
    const command = orderCommand();
    const first = await json(await call('POST', '/internal/orders', { token: t.checkout, body: command }));
    announce(t.db, ProductSubjects.deleted, { sku: 'KIT-PAN', version: 2 });
    const again = await call('POST', '/internal/orders', { token: t.checkout, body: command });
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(first);
  });
});

describe('orders: POST /internal/orders/{id}/transitions', () => {
  let order: Order;
  beforeEach(async () => {
    order = await place();
  });

  it('confirms a pending order, records why, and announces orders.order.confirmed with what shipping needs', async () => {
    const res = await move(order.id, { to: 'CONFIRMED', reason: 'stock reserved' });
    expect(res.status).toBe(200);
    const confirmed = await json(res);
    expect(confirmed.status).toBe('CONFIRMED');
    expect(confirmed.history.map((h: { status: string; reason?: string }) => [h.status, h.reason])).toEqual([
      ['PENDING', undefined],
      ['CONFIRMED', 'stock reserved'],
    ]);
    const event = outboxEvents(t.db).at(-1);
    expect(event.type).toBe('orders.order.confirmed');
    expect(event.data).toEqual({
      orderId: order.id,
      customerId: 'user-alice',
      lines: announcedLines,
      shippingAddress: testAddress,
    });
  });

  it('applies a command once: the same Idempotency-Key again answers 200 and changes nothing', async () => {
    const key = randomUUID();
    expect((await move(order.id, { to: 'CONFIRMED' }, key)).status).toBe(200);
    const again = await move(order.id, { to: 'CONFIRMED' }, key);
    expect(again.status).toBe(200);
    expect((await json(again)).status).toBe('CONFIRMED');
    expect(t.db.select().from(orderHistory).all()).toHaveLength(2);
    expect(outboxSubjects(t.db)).toEqual(['orders.orders-1.order.placed', 'orders.orders-1.order.confirmed']);
    expect(t.db.select().from(inbox).all()).toEqual([
      expect.objectContaining({ eventId: key, consumer: 'orders-orders', type: 'transition:CONFIRMED' }),
    ]);
  });

  it('cancels a confirmed order whose shipment was cancelled, announcing orders.order.cancelled with the previous status', async () => {
    await move(order.id, { to: 'CONFIRMED' });
    const cancelled = await json(await move(order.id, { to: 'CANCELLED', reason: 'shipment cancelled' }));
    expect(cancelled.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'shipment cancelled' });
    expect(outboxEvents(t.db).at(-1)).toMatchObject({
      type: 'orders.order.cancelled',
      data: { orderId: order.id, previousStatus: 'CONFIRMED' },
    });
  });

  it('rejects with the reason, in the history and in orders.order.rejected', async () => {
    const reason = 'insufficient stock: KIT-PAN (requested 2, available 1)';
    const rejected = await json(await move(order.id, { to: 'REJECTED', reason }));
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.history.at(-1)).toMatchObject({ status: 'REJECTED', reason });
    expect(outboxEvents(t.db).at(-1)).toMatchObject({ type: 'orders.order.rejected', data: { orderId: order.id, reason } });
  });

  it('ships with the shipment details and then delivers, announcing both', async () => {
    await move(order.id, { to: 'CONFIRMED' });
    const shipped = await json(await move(order.id, { to: 'SHIPPED', shipmentId: 'shp-1', carrier: 'UPS', trackingNumber: '1Z999' }));
    expect(shipped.status).toBe('SHIPPED');
    const delivered = await json(await move(order.id, { to: 'DELIVERED', shipmentId: 'shp-1' }));
    expect(delivered.status).toBe('DELIVERED');
    expect(delivered.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED']);
    const [, , shippedEvent, deliveredEvent] = outboxEvents(t.db);
    expect(shippedEvent).toMatchObject({
      type: 'orders.order.shipped',
      data: { orderId: order.id, shipmentId: 'shp-1', carrier: 'UPS', trackingNumber: '1Z999' },
    });
    expect(deliveredEvent).toMatchObject({ type: 'orders.order.delivered', data: { orderId: order.id, shipmentId: 'shp-1' } });
  });

  it('refuses illegal moves with a 409 naming the current status, writing nothing', async () => {
    await call('POST', `/orders/${order.id}/cancel`, { token: t.alice });
    const late = await move(order.id, { to: 'CONFIRMED' });
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(late)).toMatchObject({ status: 409, orderStatus: 'CANCELLED' });
    const other = await place();
    expect((await move(other.id, { to: 'SHIPPED', shipmentId: 's-1', carrier: 'UPS', trackingNumber: '1Z' })).status).toBe(409);
    expect((await move(other.id, { to: 'DELIVERED', shipmentId: 's-1' })).status).toBe(409);
    expect(outboxSubjects(t.db)).toEqual([
      'orders.orders-1.order.placed',
      'orders.orders-1.order.cancelled',
      'orders.orders-1.order.placed',
    ]);
    expect(t.db.select().from(inbox).all()).toHaveLength(0);
    expect((await json(await call('GET', `/orders/${other.id}`, { token: t.alice }))).status).toBe('PENDING');
  });

  it('answers 404 for an unknown or malformed order id', async () => {
    expect((await move(randomUUID(), { to: 'CONFIRMED' })).status).toBe(404);
    expect((await move('not-an-order', { to: 'CONFIRMED' })).status).toBe(404);
  });

  it.each([
    ['a cancellation without a reason', { to: 'CANCELLED' }, 'reason'],
    ['an unknown status', { to: 'LOST' }, 'to'],
    ['a shipment without its id', { to: 'SHIPPED', carrier: 'UPS', trackingNumber: '1Z' }, 'shipmentId'],
    ['a rejection without a reason', { to: 'REJECTED' }, 'reason'],
    ['a reason that is not text', { to: 'CONFIRMED', reason: 42 }, 'reason'],
  ])('refuses %s with 400 and the field error', async (_name, body, path) => {
    const res = await move(order.id, body);
    expect(res.status).toBe(400);
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(outboxSubjects(t.db)).toHaveLength(1);
  });

  it('needs an Idempotency-Key', async () => {
    for (const key of [null, 'short']) {
      const res = await move(order.id, { to: 'CONFIRMED' }, key);
      expect(res.status).toBe(400);
      expect((await json(res)).errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
    }
    expect(outboxSubjects(t.db)).toHaveLength(1);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await call('POST', `/internal/orders/${order.id}/transitions`, {
      token: t.checkout,
      raw: '{"to":',
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(400);
  });

  it('accepts only the workload token: 401 without a token, 403 for customers and operators', async () => {
    expect((await move(order.id, { to: 'CONFIRMED' }, randomUUID(), '')).status).toBe(401);
    expect((await move(order.id, { to: 'CONFIRMED' }, randomUUID(), t.alice)).status).toBe(403);
    expect((await move(order.id, { to: 'CONFIRMED' }, randomUUID(), t.admin)).status).toBe(403);
    expect(outboxSubjects(t.db)).toHaveLength(1);
  });
});
