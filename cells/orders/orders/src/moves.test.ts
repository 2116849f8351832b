import { randomUUID } from 'node:crypto';
import { FORWARDED_USER_HEADER } from '@retail/auth';
import { inbox } from '@retail/data';
import { outboxEvents } from '@retail/data/testing';
import { createOrderCommandSchema, type Order } from '@retail/orders-contract';
import { json } from '@retail/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderHistory, orders as ordersTable } from './db/schema.ts';
import { caller, orderCommand, ordersTestApp, type OrdersTestApp } from '../test/test-app.ts';

/** The order book while a customer is moved away: frozen (`leaving`), then gone with tombstones, or arriving. */
let t: OrdersTestApp;
beforeEach(async () => {
  t = await ordersTestApp();
  return t.close;
});
const call: ReturnType<typeof caller> = (...request) => caller(t)(...request);

const M = '7b0e8a52-3c1f-4d8e-9f53-0c1d2e3f4a5b';
async function move(step: string, body: unknown = { migrationId: M, to: 'orders-2' }, customer = 'user-alice') {
  const res = await call('POST', `/migration/customers/${customer}/${step}`, { token: t.migrator, body });
  expect(res.status).toBe(200);
}
const place = (customerId = 'user-alice'): Order => t.orders.place(createOrderCommandSchema.parse(orderCommand({ customerId }))).order;
const placeOverHttp = (body: Record<string, unknown>, user = t.alice) =>
  call('POST', '/internal/orders', { token: t.checkout, body, headers: { [FORWARDED_USER_HEADER]: user } });
const transition = (id: string, key = randomUUID(), token = t.checkout) =>
  call('POST', `/internal/orders/${id}/transitions`, { token, body: { to: 'CONFIRMED' }, headers: { 'idempotency-key': key } });
const cancel = (id: string, token = t.alice) => call('POST', `/orders/${id}/cancel`, { token });
/** Everything the partition has written: a refused command must leave it as it was. */
const written = () => ({
  orders: t.db.select().from(ordersTable).all(),
  history: t.db.select().from(orderHistory).all(),
  outbox: outboxEvents(t.db),
  inbox: t.db.select().from(inbox).all(),
});
const problem = async (res: Response, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return json(res);
};

describe('a customer frozen for a move (leaving)', () => {
  it('refuses to place, cancel or move on their orders (409 naming where they go), writing nothing', async () => {
    const order = place();
    await move('freeze');
    const before = written();
    expect(await problem(await placeOverHttp(orderCommand()), 409)).toMatchObject({ moving: 'orders-2' });
    expect(await problem(await cancel(order.id), 409)).toMatchObject({ moving: 'orders-2' });
    expect(await problem(await cancel(order.id, t.admin), 409)).toMatchObject({ moving: 'orders-2' });
    expect(await problem(await transition(order.id), 409)).toMatchObject({
      moving: 'orders-2',
      type: '/api/problems/customer-frozen',
      title: 'Customer frozen for a move',
    });
    expect(
      await problem(
        await call('POST', `/migration/orders/${order.id}/transitions`, {
          token: t.handover,
          body: { to: 'CONFIRMED' },
          headers: { 'idempotency-key': randomUUID() },
        }),
        409,
      ),
    ).toMatchObject({ moving: 'orders-2' });
    expect(written()).toEqual(before);
  });

  it('still answers their reads, and a replay of an earlier placement (nothing to write)', async () => {
    const first = orderCommand();
    const placed = await json(await placeOverHttp(first));
    await move('freeze');
    expect((await call('GET', `/orders/${placed.id}`, { token: t.alice })).status).toBe(200);
    expect((await json(await call('GET', '/orders', { token: t.alice }))).total).toBe(1);
    const replay = await placeOverHttp(first);
    expect(replay.status).toBe(200);
    expect((await json(replay)).id).toBe(placed.id);
  });

  it('serves everyone else as usual, and the customer again once unfrozen', async () => {
    const order = place();
    await move('freeze');
    expect((await placeOverHttp(orderCommand({ customerId: 'user-bob' }), t.bob)).status).toBe(201);
    await move('unfreeze', { migrationId: M });
    expect((await transition(order.id)).status).toBe(200);
    expect((await placeOverHttp(orderCommand())).status).toBe(201);
  });
});

describe('a customer gone to another partition (tombstones)', () => {
  async function gone() {
    const order = place();
    await move('freeze');
    await move('release');
    return order;
  }

  it('answers a saga step for a moved order 410 Gone naming its partition, writing nothing', async () => {
    const order = await gone();
    const before = written();
    expect(await problem(await transition(order.id), 410)).toMatchObject({
      type: '/api/problems/order-moved',
      title: 'Order moved',
      status: 410,
      partition: 'orders-2',
    });
    const handedOver = await call('POST', `/migration/orders/${order.id}/transitions`, {
      token: t.handover,
      body: { to: 'CONFIRMED' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(await problem(handedOver, 410)).toMatchObject({ partition: 'orders-2' });
    expect(written()).toEqual(before);
  });

  it('tells its customer and operators to try again in a second (503, Retry-After: 1), others 404', async () => {
    const order = await gone();
    for (const token of [t.alice, t.admin]) {
      const read = await call('GET', `/orders/${order.id}`, { token });
      expect(read.headers.get('retry-after')).toBe('1');
      expect(await problem(read, 503)).toMatchObject({ detail: `Order ${order.id} has moved to orders-2; try again shortly.` });
      const cancelled = await cancel(order.id, token);
      expect(cancelled.headers.get('retry-after')).toBe('1');
      await problem(cancelled, 503);
    }
    const list = await call('GET', '/orders', { token: t.alice });
    expect(list.headers.get('retry-after')).toBe('1');
    expect(await problem(list, 503)).toMatchObject({ detail: 'Your orders have moved to orders-2; try again shortly.' });
    await problem(await call('GET', `/orders/${order.id}`, { token: t.bob }), 404);
    await problem(await cancel(order.id, t.bob), 404);
    expect((await call('GET', '/orders', { token: t.bob })).status).toBe(200);
  });

  it('refuses to place for them, a retry of an earlier placement too (409 moving)', async () => {
    const command = orderCommand();
    await placeOverHttp(command);
    await gone();
    expect(await problem(await placeOverHttp(command), 409)).toMatchObject({ moving: 'orders-2' });
    expect(await problem(await placeOverHttp(orderCommand()), 409)).toMatchObject({ moving: 'orders-2' });
  });
});

describe('a customer arriving by a move', () => {
  it('is served as usual', async () => {
    const res = await call('PUT', '/migration/customers/user-alice', {
      token: t.migrator,
      body: { migrationId: M, bundle: { customerId: 'user-alice', from: 'orders-2', orders: [] } },
    });
    expect(await json(res)).toMatchObject({ state: 'arriving', partition: 'orders-2' });
    const placed = await json(await placeOverHttp(orderCommand()));
    expect((await transition(placed.id)).status).toBe(200);
    expect((await cancel(placed.id)).status).toBe(200);
  });
});
