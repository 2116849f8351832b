import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOrderCommandSchema, type Order } from '@retail/orders-contract';
import { json } from '@retail/testing';
import { advanceOrder, caller, orderCommand, ordersTestApp, type OrdersTestApp } from '../../test/test-app.ts';
import { outboxEvents, outboxSubjects } from '@retail/data/testing';

let t: OrdersTestApp;
beforeEach(async () => {
  t = await ordersTestApp();
  return t.close;
});
// `t` is replaced before each test: ask whichever app is the current one.
const call: ReturnType<typeof caller> = (...request) => caller(t)(...request);

const place = (overrides: Record<string, unknown> = {}): Order =>
  t.orders.place(createOrderCommandSchema.parse(orderCommand(overrides))).order;
const advance = (order: Order, ...moves: Parameters<typeof advanceOrder>[2][]) => advanceOrder(t, order, ...moves);

describe('orders: GET /orders (the caller’s orders)', () => {
  it('lists only the caller’s own orders, newest first, with a page envelope', async () => {
    const first = place();
    const second = place();
    place({ customerId: 'user-bob' });
    const res = await call('GET', '/orders', { token: t.alice });
    expect(res.status).toBe(200);
    const page = await json(res);
    expect(page).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(page.items.map((o: Order) => o.id)).toEqual([second.id, first.id]);
    expect(page.items[0].history).toEqual([expect.objectContaining({ status: 'PENDING' })]);
  });

  it('pages with a stable total', async () => {
    const placed = [place(), place(), place()];
    const one = await json(await call('GET', '/orders?pageSize=2&page=1', { token: t.alice }));
    const two = await json(await call('GET', '/orders?pageSize=2&page=2', { token: t.alice }));
    expect(one).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect([...one.items, ...two.items].map((o: Order) => o.id)).toEqual(placed.map((o) => o.id).reverse());
    expect((await json(await call('GET', '/orders?page=5', { token: t.alice }))).items).toEqual([]);
  });

  it('filters by status', async () => {
    const confirmed = place();
    place();
    advance(confirmed, 'CONFIRMED');
    const page = await json(await call('GET', '/orders?status=CONFIRMED', { token: t.alice }));
    expect(page.total).toBe(1);
    expect(page.items.map((o: Order) => [o.id, o.status])).toEqual([[confirmed.id, 'CONFIRMED']]);
  });

  it('shows an operator their own orders here, not everyone’s', async () => {
    place();
    expect((await json(await call('GET', '/orders', { token: t.admin }))).total).toBe(0);
  });

  it.each([
    ['pageSize=1000', 'pageSize'],
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['status=LOST', 'status'],
    ['colour=red', '(root)'],
  ])('refuses ?%s with 400 naming the field', async (query, path) => {
    const res = await call('GET', `/orders?${query}`, { token: t.alice });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('orders: GET /orders/{id}', () => {
  it('shows the customer their order with its history', async () => {
    const order = place();
    advance(order, 'CONFIRMED');
    const res = await call('GET', `/orders/${order.id}`, { token: t.alice });
    expect(res.status).toBe(200);
    const shown = await json(res);
    expect(shown).toMatchObject({ id: order.id, status: 'CONFIRMED', total: 17900 });
    expect(shown.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
  });

  it('answers 404 for another customer’s order, so its existence is not revealed', async () => {
    const order = place();
    const res = await call('GET', `/orders/${order.id}`, { token: t.bob });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(res)).toMatchObject({ detail: `No order ${order.id}.` });
  });

  it('shows any order to an operator (orders:admin)', async () => {
    const order = place();
    expect((await json(await call('GET', `/orders/${order.id}`, { token: t.admin }))).customerId).toBe('user-alice');
  });

  it('answers 404 for unknown and malformed ids', async () => {
    expect((await call('GET', `/orders/${randomUUID()}`, { token: t.alice })).status).toBe(404);
    expect((await call('GET', '/orders/not-an-id', { token: t.alice })).status).toBe(404);
  });
});

describe('orders: POST /orders/{id}/cancel', () => {
  it.each([
    ['PENDING', []],
    ['CONFIRMED', ['CONFIRMED']],
  ] as const)('cancels a %s order and announces orders.order.cancelled with the previous status', async (previousStatus, moves) => {
    const order = place();
    advance(order, ...moves);
    const res = await call('POST', `/orders/${order.id}/cancel`, { token: t.alice });
    expect(res.status).toBe(200);
    const cancelled = await json(res);
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by the customer' });
    expect(outboxEvents(t.db).at(-1)).toMatchObject({
      type: 'orders.order.cancelled',
      subject: order.id,
      data: { orderId: order.id, previousStatus },
    });
  });

  it('answers a repeated cancel with the cancelled order, announcing it once', async () => {
    const order = place();
    await call('POST', `/orders/${order.id}/cancel`, { token: t.alice });
    const again = await call('POST', `/orders/${order.id}/cancel`, { token: t.alice });
    expect(again.status).toBe(200);
    expect((await json(again)).history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CANCELLED']);
    expect(outboxSubjects(t.db).filter((s) => s === 'orders.orders-1.order.cancelled')).toHaveLength(1);
  });

  it.each([
    ['SHIPPED', ['CONFIRMED', 'SHIPPED'], /already been dispatched/],
    ['DELIVERED', ['CONFIRMED', 'SHIPPED', 'DELIVERED'], /already been delivered/],
    ['REJECTED', ['REJECTED'], /rejected/],
  ] as const)('refuses to cancel a %s order with 409, changing nothing', async (status, moves, detail) => {
    const order = place();
    advance(order, ...moves);
    const events = outboxSubjects(t.db).length;
    const res = await call('POST', `/orders/${order.id}/cancel`, { token: t.alice });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(res)).toMatchObject({
      type: '/api/problems/order-state-conflict',
      orderStatus: status,
      detail: expect.stringMatching(detail),
    });
    expect((await json(await call('GET', `/orders/${order.id}`, { token: t.alice }))).status).toBe(status);
    expect(outboxSubjects(t.db)).toHaveLength(events);
  });

  it('with ifStatus, cancels only from that status: 409 with the status it has now otherwise, 400 for another value', async () => {
    const order = place();
    advance(order, 'CONFIRMED');
    const stale = await call('POST', `/orders/${order.id}/cancel?ifStatus=PENDING`, { token: t.alice });
    expect(stale.status).toBe(409);
    expect(await json(stale)).toMatchObject({ orderStatus: 'CONFIRMED', detail: `Order ${order.id} is CONFIRMED now, no longer PENDING.` });
    expect(outboxSubjects(t.db)).not.toContain('orders.orders-1.order.cancelled');
    expect((await call('POST', `/orders/${order.id}/cancel?ifStatus=SHIPPED`, { token: t.alice })).status).toBe(400);
    const res = await call('POST', `/orders/${order.id}/cancel?ifStatus=CONFIRMED`, { token: t.alice });
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe('CANCELLED');
  });

  it('answers 404 for another customer’s order and leaves it alone; an operator may cancel it', async () => {
    const order = place();
    expect((await call('POST', `/orders/${order.id}/cancel`, { token: t.bob })).status).toBe(404);
    expect((await json(await call('GET', `/orders/${order.id}`, { token: t.alice }))).status).toBe('PENDING');
    const byOperator = await json(await call('POST', `/orders/${order.id}/cancel`, { token: t.admin }));
    expect(byOperator.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'cancelled by an operator' });
  });

  it('answers 404 for an unknown order', async () => {
    expect((await call('POST', `/orders/${randomUUID()}/cancel`, { token: t.alice })).status).toBe(404);
  });
});

describe('orders: the cell boundary and the HTTP frame', () => {
  it('refuses requests without the gateway’s internal token with 401', async () => {
    const order = place();
    expect((await call('GET', '/orders')).status).toBe(401);
    expect((await call('GET', `/orders/${order.id}`, { token: 'not-a-jwt' })).status).toBe(401);
    const foreign = await t.tokens.sign({ sub: 'user-alice', scopes: ['orders:write'] }, { issuer: 'someone-else' });
    expect((await call('POST', `/orders/${order.id}/cancel`, { token: foreign })).status).toBe(401);
    expect(outboxSubjects(t.db)).toEqual(['orders.orders-1.order.placed']);
  });

  it('checks the route’s scope again: 403 without orders:read or orders:write', async () => {
    const order = place();
    const readOnly = await t.tokens.sign({ sub: 'user-alice', scopes: ['orders:read'] });
    const noScopes = await t.tokens.sign({ sub: 'user-alice', scopes: [] });
    expect((await call('GET', '/orders', { token: noScopes })).status).toBe(403);
    expect((await call('GET', `/orders/${order.id}`, { token: noScopes })).status).toBe(403);
    expect((await call('POST', `/orders/${order.id}/cancel`, { token: readOnly })).status).toBe(403);
    expect((await json(await call('GET', `/orders/${order.id}`, { token: readOnly }))).status).toBe('PENDING');
  });

  it('does not place orders itself (that is checkout’s) and answers unknown routes with 404', async () => {
    const res = await call('POST', '/orders', { token: t.alice, body: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    // Deny by default: without the internal token nothing is answered, not even whether a route exists.
    expect((await call('GET', '/nothing-here')).status).toBe(401);
    expect((await call('GET', '/nothing-here', { token: t.alice })).status).toBe(404);
  });

  it('serves health and readiness', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).status).toBe(200);
  });
});
