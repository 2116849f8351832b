import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inbox } from '@retail/data';
import { outboxEvents } from '@retail/data/testing';
import { createOrderCommandSchema, customerBundleSchema, orderTransitionCommandSchema, type Order } from '@retail/orders-contract';
import { json, tempDir, type TempDir } from '@retail/testing';
import { customerMoves, movedOrders, orders as ordersTable } from '../db/schema.ts';
import { caller, orderCommand, ordersTestApp, type OrdersTestApp } from '../../test/test-app.ts';

/**
 * The partition side of moving a customer: A (`orders-1`) gives alice up to B (`orders-2`), each over a
 * SQLite file of its own, called as the gateway forwards the migration controller (scope
 * `orders:migrate`) and another partition's checkout (scope `orders:handover`).
 */
let dir: TempDir;
let a: OrdersTestApp;
let b: OrdersTestApp;
beforeEach(async () => {
  dir = tempDir('orders-migration-');
  a = await ordersTestApp({ partition: 'orders-1', file: join(dir.path, 'orders-1', 'orders.db') });
  b = await ordersTestApp({ partition: 'orders-2', file: join(dir.path, 'orders-2', 'orders.db') });
});
afterEach(() => {
  a.close();
  b.close();
  dir.remove();
});

const M = '7b0e8a52-3c1f-4d8e-9f53-0c1d2e3f4a5b';
const OTHER = 'c6f0d7a1-1111-4222-8333-944455556666';
const to = 'orders-2';

const place = (t: OrdersTestApp, customerId = 'user-alice'): Order =>
  t.orders.place(createOrderCommandSchema.parse(orderCommand({ customerId }))).order;
const confirm = (t: OrdersTestApp, order: Order, key = randomUUID()) =>
  t.orders.advance(order.id, orderTransitionCommandSchema.parse({ to: 'CONFIRMED', reason: 'stock reserved' }), key);

const post = (t: OrdersTestApp, path: string, body: unknown, token = t.migrator) => caller(t)('POST', path, { token, body });
const freeze = (t = a, body: unknown = { migrationId: M, to }, customer = 'user-alice') =>
  post(t, `/migration/customers/${customer}/freeze`, body);
const release = (t = a, body: unknown = { migrationId: M, to }, customer = 'user-alice') =>
  post(t, `/migration/customers/${customer}/release`, body);
const unfreeze = (t = a, migrationId = M) => post(t, '/migration/customers/user-alice/unfreeze', { migrationId });
const discard = (t = b, migrationId = M) => post(t, '/migration/customers/user-alice/discard', { migrationId });
const exported = (t = a, migrationId = M, customer = 'user-alice') =>
  caller(t)('GET', `/migration/customers/${customer}?migrationId=${migrationId}`, { token: t.migrator });
const importInto = (t: OrdersTestApp, body: unknown, customer = 'user-alice') =>
  caller(t)('PUT', `/migration/customers/${customer}`, { token: t.migrator, body });
const transition = (t: OrdersTestApp, id: string, key: string, body: unknown = { to: 'CONFIRMED' }, route = 'migration') =>
  caller(t)('POST', route === 'migration' ? `/migration/orders/${id}/transitions` : `/internal/orders/${id}/transitions`, {
    token: route === 'migration' ? t.handover : t.checkout,
    body,
    headers: { 'idempotency-key': key },
  });

const ok = async (res: Response) => {
  expect(res.status).toBe(200);
  return json(res);
};
const conflict = async (res: Response) => {
  expect(res.status).toBe(409);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return json(res);
};
const invalid = async (res: Response) => {
  expect(res.status).toBe(400);
  return (await json(res)).errors.map((e: { path: string }) => e.path);
};
const movesIn = (t: OrdersTestApp) => t.db.select().from(customerMoves).all();
const ordersIn = (t: OrdersTestApp) => t.db.select().from(ordersTable).all();
/** Alice frozen in A with a confirmed order (key `confirmedBy`) and a pending one; her bundle exported. */
async function frozenWithBundle(confirmedBy = randomUUID()) {
  const first = place(a);
  confirm(a, first, confirmedBy);
  const second = place(a);
  await ok(await freeze());
  const bundle = await ok(await exported());
  return { first, second, bundle };
}

describe('migration: freeze', () => {
  it('marks the customer leaving for the target, again for the same move, and answers where they stand', async () => {
    confirm(a, place(a));
    place(a, 'user-bob');
    const holding = await ok(await freeze());
    expect(holding).toEqual({ customerId: 'user-alice', state: 'leaving', orders: 1, history: 2, migrationId: M, partition: to });
    expect(await ok(await freeze())).toEqual(holding);
    expect(movesIn(a)).toEqual([expect.objectContaining({ customerId: 'user-alice', state: 'leaving', migrationId: M, partition: to })]);
  });

  it('refuses another move of a frozen customer (409), and a customer gone', async () => {
    await ok(await freeze());
    expect(await conflict(await freeze(a, { migrationId: OTHER, to }))).toMatchObject({ customerState: 'leaving', migrationId: M });
    expect(await conflict(await freeze(a, { migrationId: M, to: 'orders-3' }))).toMatchObject({ customerState: 'leaving' });
    await ok(await release());
    expect(await conflict(await freeze(a, { migrationId: OTHER, to }))).toMatchObject({ customerState: 'gone' });
  });

  it('freezes a customer who arrived by an earlier move, not under that same move', async () => {
    const { bundle } = await frozenWithBundle();
    await ok(await importInto(b, { migrationId: M, bundle }));
    await conflict(await freeze(b, { migrationId: M, to: 'orders-1' }));
    expect(await ok(await freeze(b, { migrationId: OTHER, to: 'orders-1' }))).toMatchObject({ state: 'leaving', migrationId: OTHER });
  });

  it('answers 400 with field errors for a bad customer id or body, writing nothing', async () => {
    expect(await invalid(await freeze(a, { migrationId: M, to }, 'not%20a%20customer'))).toEqual(['customerId']);
    expect(await invalid(await freeze(a, { migrationId: 'm-1', to: 'Orders 2', extra: true }))).toEqual(
      expect.arrayContaining(['migrationId', 'to']),
    );
    expect((await post(a, '/migration/customers/user-alice/freeze', undefined)).status).toBe(415);
    expect(movesIn(a)).toEqual([]);
  });
});

describe('migration: the routes are the migration controller’s', () => {
  it('refuses every other caller: 403 without orders:migrate, 401 without a token', async () => {
    for (const token of [a.alice, a.admin, a.checkout, a.handover]) {
      expect((await post(a, '/migration/customers/user-alice/freeze', { migrationId: M, to }, token)).status).toBe(403);
      expect((await caller(a)('GET', '/migration/customers', { token })).status).toBe(403);
      expect((await caller(a)('GET', `/migration/customers/user-alice?migrationId=${M}`, { token })).status).toBe(403);
      expect((await caller(a)('PUT', '/migration/customers/user-alice', { token, body: {} })).status).toBe(403);
      for (const step of ['release', 'unfreeze', 'discard'])
        expect((await post(a, `/migration/customers/user-alice/${step}`, { migrationId: M, to }, token)).status).toBe(403);
    }
    expect((await caller(a)('GET', '/migration/customers', {})).status).toBe(401);
    expect(movesIn(a)).toEqual([]);
  });
});

describe('migration: export', () => {
  it('gives every column of each order and its history with reasons and the saga steps’ keys', async () => {
    const key = randomUUID();
    const { first, second, bundle } = await frozenWithBundle(key);
    expect(customerBundleSchema.parse(bundle)).toEqual(bundle);
    expect(bundle.customerId).toBe('user-alice');
    expect(bundle.from).toBe('orders-1');
    expect(bundle.orders.map((o: Order) => o.id)).toEqual([first.id, second.id]);
    const [stored] = ordersIn(a).filter((o) => o.id === first.id);
    expect(bundle.orders[0]).toMatchObject({
      id: first.id,
      status: 'CONFIRMED',
      idempotencyKey: stored!.idempotencyKey,
      requestHash: stored!.requestHash,
      lines: first.lines,
      total: first.total,
      createdAt: first.createdAt,
    });
    expect(bundle.orders[0].history).toEqual([
      { status: 'PENDING', at: first.createdAt, reason: null, key: null },
      { status: 'CONFIRMED', at: expect.any(String), reason: 'stock reserved', key },
    ]);
  });

  it('is only for a customer frozen under that migration (409), with a migrationId (400)', async () => {
    place(a);
    await conflict(await exported());
    await ok(await freeze());
    await conflict(await exported(a, OTHER));
    expect(await invalid(await caller(a)('GET', '/migration/customers/user-alice', { token: a.migrator }))).toEqual(['migrationId']);
    expect(await invalid(await exported(a, 'not-a-uuid'))).toEqual(['migrationId']);
  });
});

describe('migration: import', () => {
  it('stores the orders with their history and keys, the customer arriving; a repeat changes nothing', async () => {
    const { first, bundle } = await frozenWithBundle();
    const holding = await ok(await importInto(b, { migrationId: M, bundle }));
    expect(holding).toEqual({ customerId: 'user-alice', state: 'arriving', orders: 2, history: 3, migrationId: M, partition: 'orders-1' });
    expect(await ok(await importInto(b, { migrationId: M, bundle }))).toEqual(holding);
    const moved = await ok(await caller(b)('GET', `/orders/${first.id}`, { token: b.alice }));
    expect(moved).toEqual(a.orders.get(first.id, { customerId: 'user-alice', operator: false }));
    expect(ordersIn(b).map((o) => o.migrationId)).toEqual([M, M]);
    // The placement answers alike in B: a retry of the customer's request is answered, not placed again.
    const stored = ordersIn(a).find((o) => o.id === first.id)!;
    const replay = b.orders.place({ ...orderCommand(), idempotencyKey: stored.idempotencyKey, requestHash: stored.requestHash });
    expect(replay).toMatchObject({ created: false, order: { id: first.id } });
    expect(outboxEvents(b.db)).toEqual([]);
  });

  it('records the saga steps’ keys in the inbox, so an event applied in A changes nothing in B', async () => {
    const key = randomUUID();
    const { first, bundle } = await frozenWithBundle(key);
    await ok(await importInto(b, { migrationId: M, bundle }));
    expect(b.db.select().from(inbox).all()).toEqual([
      { eventId: key, consumer: 'orders-orders', type: 'transition:CONFIRMED', receivedAt: expect.any(Number) },
    ]);
    const again = await ok(await transition(b, first.id, key));
    expect(again.status).toBe('CONFIRMED');
    expect(again.history).toHaveLength(2);
    expect(outboxEvents(b.db)).toEqual([]);
  });

  it('refuses a bundle that is not the customer’s in the path (400), writing nothing', async () => {
    const { bundle } = await frozenWithBundle();
    expect(await invalid(await importInto(b, { migrationId: M, bundle }, 'user-bob'))).toEqual([
      'bundle.customerId',
      'bundle.orders.0.customerId',
      'bundle.orders.1.customerId',
    ]);
    const mixed = { ...bundle, orders: [bundle.orders[0], { ...bundle.orders[1], customerId: 'user-bob' }] };
    expect(await invalid(await importInto(b, { migrationId: M, bundle: mixed }))).toEqual(['bundle.orders.1.customerId']);
    expect(await invalid(await importInto(b, { migrationId: M, bundle: { ...bundle, orders: [{ id: 'x' }] } }))).toEqual(
      expect.arrayContaining(['bundle.orders.0.id', 'bundle.orders.0.history']),
    );
    expect(await invalid(await importInto(b, { migrationId: M, bundle }, 'bad%20id'))).toEqual(['customerId']);
    expect(ordersIn(b)).toEqual([]);
    expect(movesIn(b)).toEqual([]);
  });

  it('refuses an order held here for another customer (409), and a customer frozen here, writing nothing', async () => {
    const { bundle } = await frozenWithBundle();
    const bobs = place(b, 'user-bob');
    const clash = { ...bundle, orders: [...bundle.orders, { ...bundle.orders[0], id: bobs.id, idempotencyKey: 'another-key-1' }] };
    expect(await conflict(await importInto(b, { migrationId: M, bundle: clash }))).toMatchObject({ orderId: bobs.id });
    expect(ordersIn(b).map((o) => o.id)).toEqual([bobs.id]);
    expect(movesIn(b)).toEqual([]);
    await conflict(await importInto(a, { migrationId: M, bundle }));
  });

  it('takes a bundle larger than the usual 64 KiB body limit', async () => {
    for (let i = 0; i < 120; i++) place(a);
    await ok(await freeze());
    const bundle = await ok(await exported());
    expect(JSON.stringify(bundle).length).toBeGreaterThan(64 * 1024);
    expect(await ok(await importInto(b, { migrationId: M, bundle }))).toMatchObject({ orders: 120, history: 120 });
  });
});

describe('migration: release', () => {
  it('tombstones every order of the frozen customer and forgets them; a repeat answers the same', async () => {
    const { first, second } = await frozenWithBundle();
    place(a, 'user-bob');
    const holding = await ok(await release());
    expect(holding).toEqual({ customerId: 'user-alice', state: 'gone', orders: 0, history: 0, migrationId: M, partition: to });
    expect(await ok(await release())).toEqual(holding);
    expect(
      a.db
        .select()
        .from(movedOrders)
        .all()
        .map((t) => [t.orderId, t.customerId, t.partition, t.migrationId]),
    ).toEqual(
      expect.arrayContaining([
        [first.id, 'user-alice', to, M],
        [second.id, 'user-alice', to, M],
      ]),
    );
    expect(ordersIn(a).map((o) => o.customerId)).toEqual(['user-bob']);
    expect(a.sqlite.prepare('select count(*) as n from order_history').get()).toEqual({ n: 1 });
  });

  it('is only for a customer frozen under that migration, to that partition (409)', async () => {
    place(a);
    await conflict(await release());
    await ok(await freeze());
    await conflict(await release(a, { migrationId: OTHER, to }));
    await conflict(await release(a, { migrationId: M, to: 'orders-3' }));
    expect(ordersIn(a)).toHaveLength(1);
    expect(await invalid(await release(a, { migrationId: M }))).toEqual(['to']);
  });
});

describe('migration: undoing a move', () => {
  it('unfreeze: the customer is served again; again, or never frozen: 200; under another move: 409', async () => {
    await ok(await unfreeze());
    await ok(await freeze());
    await conflict(await unfreeze(a, OTHER));
    expect(await ok(await unfreeze())).toMatchObject({ state: 'serving', migrationId: null, partition: null });
    expect(await ok(await unfreeze())).toMatchObject({ state: 'serving' });
    expect(place(a).status).toBe('PENDING');
    await ok(await freeze());
    await ok(await release());
    await conflict(await unfreeze());
  });

  it('discard: forgets what the move brought and its arriving mark, keeps the rest; again: the same', async () => {
    const { bundle } = await frozenWithBundle();
    await ok(await importInto(b, { migrationId: M, bundle }));
    const placedInB = place(b);
    const holding = await ok(await discard());
    expect(holding).toEqual({ customerId: 'user-alice', state: 'serving', orders: 1, history: 1, migrationId: null, partition: null });
    expect(await ok(await discard())).toEqual(holding);
    expect(ordersIn(b).map((o) => o.id)).toEqual([placedInB.id]);
    await ok(await discard(b, OTHER));
    expect(ordersIn(b)).toHaveLength(1);
  });

  it('discard refuses to take orders a later move is exporting (409)', async () => {
    const { bundle } = await frozenWithBundle();
    await ok(await importInto(b, { migrationId: M, bundle }));
    await ok(await freeze(b, { migrationId: OTHER, to: 'orders-1' }));
    await conflict(await discard());
    expect(ordersIn(b)).toHaveLength(2);
  });
});

describe('migration: a customer moving back', () => {
  /** Alice moved A → B, then frozen in B and imported back into A under OTHER. */
  async function movedBackIntoA() {
    const { first, bundle } = await frozenWithBundle();
    await ok(await importInto(b, { migrationId: M, bundle }));
    await ok(await release());
    await ok(await freeze(b, { migrationId: OTHER, to: 'orders-1' }));
    const back = await ok(await exported(b, OTHER));
    expect(await ok(await importInto(a, { migrationId: OTHER, bundle: back }))).toMatchObject({ state: 'arriving', orders: 2 });
    return first;
  }

  it('is held where they came from again: the tombstones there go', async () => {
    const first = await movedBackIntoA();
    expect(a.db.select().from(movedOrders).all()).toEqual([]);
    expect(
      (await transition(a, first.id, randomUUID(), { to: 'SHIPPED', shipmentId: 's', carrier: 'UPS', trackingNumber: '1' }, 'internal'))
        .status,
    ).toBe(200);
  });

  it('rolled back, leaves tombstones pointing where the orders still are', async () => {
    const first = await movedBackIntoA();
    expect(await ok(await discard(a, OTHER))).toMatchObject({ state: 'serving', orders: 0 });
    const refused = await transition(a, first.id, randomUUID(), { to: 'CONFIRMED' }, 'internal');
    expect(refused.status).toBe(410);
    expect(await json(refused)).toMatchObject({ partition: 'orders-2' });
    await ok(await unfreeze(b, OTHER));
    expect(b.orders.get(first.id, { customerId: 'user-alice', operator: false }).status).toBe('CONFIRMED');
  });
});

describe('migration: GET /migration/customers', () => {
  it('lists every customer with orders here and how many', async () => {
    expect(await ok(await caller(a)('GET', '/migration/customers', { token: a.migrator }))).toEqual({ customers: [] });
    place(a);
    place(a, 'user-bob');
    place(a);
    expect(await ok(await caller(a)('GET', '/migration/customers', { token: a.migrator }))).toEqual({
      customers: [
        { customerId: 'user-alice', orders: 2 },
        { customerId: 'user-bob', orders: 1 },
      ],
    });
  });
});

describe('migration: POST /migration/orders/{id}/transitions (a step handed over by another partition)', () => {
  it('applies the step as the internal command does, once per Idempotency-Key', async () => {
    const order = place(b);
    const key = randomUUID();
    const moved = await ok(await transition(b, order.id, key));
    expect(moved.status).toBe('CONFIRMED');
    await ok(await transition(b, order.id, key));
    expect(b.orders.get(order.id, { customerId: 'user-alice', operator: false }).history).toHaveLength(2);
    expect(outboxEvents(b.db).map((e) => e.type)).toEqual(['orders.order.placed', 'orders.order.confirmed']);
  });

  it('needs orders:handover (403), an Idempotency-Key and a valid body (400); 404 for an unknown order', async () => {
    const order = place(b);
    const path = `/migration/orders/${order.id}/transitions`;
    for (const token of [b.checkout, b.migrator, b.alice])
      expect(
        (await caller(b)('POST', path, { token, body: { to: 'CONFIRMED' }, headers: { 'idempotency-key': randomUUID() } })).status,
      ).toBe(403);
    expect(await invalid(await caller(b)('POST', path, { token: b.handover, body: { to: 'CONFIRMED' } }))).toEqual(['Idempotency-Key']);
    expect(await invalid(await transition(b, order.id, randomUUID(), { to: 'SHIPPED' }))).toEqual(expect.arrayContaining(['shipmentId']));
    expect((await transition(b, randomUUID(), randomUUID())).status).toBe(404);
    expect(b.orders.get(order.id, { customerId: 'user-alice', operator: false }).status).toBe('PENDING');
  });
});
