import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterSubject } from '@retail/descriptor';
import { connectBus, type Bus } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { waitFor } from '@retail/testing';
import { systemCells } from '@retail/topology';
import type { ApiResponse, Schemas } from '../src/client.ts';
import { address, registerCustomer, startShopSystem, uniqueKey, type RegisteredCustomer } from '../src/retail.ts';
import { runConfig } from '../src/system.ts';

/**
 * Moving customers between the orders cell's partitions while they order: 20 customers place orders
 * continuously (some cancelling) while 5 of them are moved from orders-1 to orders-2 and back, then
 * orders-1 is drained. Writes a move pauses answer 503 with Retry-After and are retried as the storefront
 * retries them; afterwards every order that got a 201 exists exactly once, in its customer's partition,
 * at a valid end, stock matches the orders, and nothing was dead-lettered. Then the controller and the
 * target partition are killed half-way through a move.
 */
type Started = Awaited<ReturnType<typeof startShopSystem>>;
let started: Started;
let sku: string;
let admin: string;
const STOCK = 100_000;
const A = 'orders-1';
const B = 'orders-2';
const customers: RegisteredCustomer[] = [];
const END_STATES = ['DELIVERED', 'CANCELLED', 'REJECTED'];

const api = () => started.api;
const placementOf = async (customerId: string) =>
  (await api().get('/api/cells/placement/{customerId}', { path: { customerId }, token: admin })).body.partition;
const moveOf = async (id: string) => (await api().get('/api/cells/migrations/{id}', { path: { id }, token: admin })).body;
const move = (customerId: string, partition: string) =>
  api().post('/api/cells/migrations', { token: admin, body: { customerId, partition } });
const finished = (id: string, timeoutMs = 60_000) =>
  waitFor(
    async () => {
      const m = await moveOf(id);
      return ['done', 'rolled-back', 'cancelled'].includes(m.state) ? m : undefined;
    },
    { what: `move ${id} to end`, timeoutMs, intervalMs: 100 },
  );
const reaches = (id: string, state: Schemas['MigrationState']) =>
  waitFor(async () => ((await moveOf(id)).state === state ? true : undefined), { what: `move ${id} to reach ${state}`, intervalMs: 50 });

/** A customer's orders as they see them (every page). */
async function ordersOf(customer: RegisteredCustomer): Promise<Schemas['Order'][]> {
  const all: Schemas['Order'][] = [];
  for (let page = 1; ; page++) {
    const res = await api().get('/api/orders', { query: { page, pageSize: 100 }, token: customer.token });
    expect(res.status, JSON.stringify(res.problem)).toBe(200);
    all.push(...res.body.items);
    if (all.length >= res.body.total) return all;
  }
}

/** Which partitions answer 200 for an order when an operator asks each of them. */
async function holders(orderId: string): Promise<string[]> {
  const answers = await Promise.all(
    [A, B].map(async (p) => {
      const res = await api().get('/api/orders/{id}', { path: { id: orderId }, token: admin, headers: { 'x-cell-partition': p } });
      return res.status === 200 ? p : undefined;
    }),
  );
  return answers.filter((p): p is string => !!p);
}

/**
 * A write as the storefront makes it: a 503 with Retry-After (a move pausing the customer) is retried
 * after that long with the same Idempotency-Key (`send` sends the same request each time). The pause is
 * the time from the first 503 to the answer.
 */
async function write<T>(what: string, send: () => Promise<ApiResponse<T>>, log: Log): Promise<ApiResponse<T>> {
  let pausedAt: number | undefined;
  for (let attempt = 0; ; attempt++) {
    const res = await send();
    const retryAfter = res.headers.get('retry-after');
    if (res.status === 503 && retryAfter && attempt < 20) {
      pausedAt ??= Date.now();
      log.paused503++;
      await new Promise((r) => setTimeout(r, Math.min(Number(retryAfter), 5) * 1000));
      continue;
    }
    if (pausedAt) log.pauses.push(Date.now() - pausedAt);
    if (res.status >= 500) log.failures.push(`${what}: ${res.status} ${res.problem?.detail ?? ''}`);
    return res;
  }
}

interface Log {
  placed: Map<string, RegisteredCustomer>;
  paused503: number;
  pauses: number[];
  failures: string[];
  cancelled: number;
}

/** Each customer orders (and now and then cancels its latest order) until `stop` says so. */
async function shopUntil(stop: () => boolean, log: Log) {
  await Promise.all(
    customers.map(async (customer, i) => {
      const mine: string[] = [];
      for (let n = 0; !stop(); n++) {
        const key = uniqueKey(`move-${i}`);
        const res = await write(
          'POST /api/orders',
          () =>
            api().post('/api/orders', {
              token: customer.token,
              headers: { 'Idempotency-Key': key },
              body: { lines: [{ sku, quantity: 1 }], shippingAddress: address },
            }),
          log,
        );
        if (res.status === 201 || res.status === 200) {
          log.placed.set(res.body.id, customer);
          mine.push(res.body.id);
        } else log.failures.push(`POST /api/orders: ${res.status} ${res.problem?.detail ?? ''}`);
        const latest = mine.at(-1);
        if (n % 4 === 3 && latest) {
          const cancel = await write(
            `POST /api/orders/${latest}/cancel`,
            () => api().post('/api/orders/{id}/cancel', { path: { id: latest }, token: customer.token }),
            log,
          );
          if (cancel.status === 200) log.cancelled++;
          // 409: dispatched already (shipments go out a second after confirmation here): a real answer.
          else if (cancel.status !== 409) log.failures.push(`cancel: ${cancel.status} ${cancel.problem?.detail ?? ''}`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }),
  );
}

beforeAll(async () => {
  // Shipments go out and arrive on their own, so that saga events keep arriving for orders that moved.
  started = await startShopSystem({ extraEnv: { AUTO_DISPATCH_AFTER_MS: '1000', AUTO_DELIVER_AFTER_MS: '1000' } });
  admin = started.s.admin;
  sku = await started.s.productWithStock('MOVE', STOCK, 300);
  for (let i = 0; i < 20; i++) customers.push(await registerCustomer(started.api, `Mover ${i}`));
}, 180_000);
afterAll(async () => started?.system.stop());

describe('moving customers under load', () => {
  it('moves 5 customers there and back and drains a partition while 20 order: nothing lost, doubled or stuck', async () => {
    const log: Log = { placed: new Map(), paused503: 0, pauses: [], failures: [], cancelled: 0 };
    let stop = false;
    const shopping = shopUntil(() => stop, log);
    // Every customer's first order records them in the placement map.
    await waitFor(async () => (log.placed.size >= 40 ? true : undefined), { what: 'the first orders', timeoutMs: 60_000 });
    const onA: RegisteredCustomer[] = [];
    for (const c of customers) if ((await placementOf(c.id)) === A) onA.push(c);
    expect(onA.length).toBeGreaterThanOrEqual(5);
    const movers = onA.slice(0, 5);

    for (const [from, to] of [
      [A, B],
      [B, A],
    ] as const) {
      const moves = await Promise.all(movers.map((c) => move(c.id, to)));
      expect(moves.map((m) => m.status)).toEqual([202, 202, 202, 202, 202]);
      for (const m of moves) expect(await finished(m.body.id)).toMatchObject({ state: 'done', reason: null });
      for (const c of movers) expect(await placementOf(c.id)).toBe(to);
      expect(from).not.toBe(to);
    }

    const drain = await api().post('/api/cells/placement/partitions/{partition}/drain', { path: { partition: A }, token: admin });
    expect(drain.status).toBe(202);
    const drained = await waitFor(
      async () => {
        const d = (await api().get('/api/cells/placement/partitions/{partition}/drain', { path: { partition: A }, token: admin })).body;
        return d.state === 'done' ? d : undefined;
      },
      { what: `${A} drained`, timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(drained.customersLeft).toBe(0);
    expect(Object.keys(drained.migrations)).toEqual(['done']);
    expect(drained.migrations.done).toBe(onA.length);
    await new Promise((r) => setTimeout(r, 2_000));
    stop = true;
    await shopping;

    console.log(
      `moves under load: ${log.placed.size} orders placed, ${log.cancelled} cancelled, ${log.paused503} answers 503 + Retry-After, ` +
        `longest write pause ${Math.max(0, ...log.pauses)} ms over ${log.pauses.length} paused writes`,
    );
    expect(log.failures).toEqual([]);
    expect(log.paused503).toBeGreaterThan(0);

    // Every order reaches an end (shipped ones are delivered a second later).
    let seen: Schemas['Order'][][] = [];
    for (const end = Date.now() + 90_000; Date.now() < end; await new Promise((r) => setTimeout(r, 1_000))) {
      seen = await Promise.all(customers.map(ordersOf));
      if (seen.flat().every((o) => END_STATES.includes(o.status))) break;
    }
    const unfinished = seen.flat().filter((o) => !END_STATES.includes(o.status));
    if (unfinished.length)
      for (const name of ['orders-1/checkout', 'orders-2/checkout', 'orders-1/orders', 'orders-2/orders', 'shipping/shipments'])
        console.log(name, started.system.process(name).output().slice(-3000));
    expect(unfinished).toEqual([]);
    // Each customer sees exactly the orders they were answered 201 for, once.
    customers.forEach((c, i) => {
      const ids = seen[i]!.map((o) => o.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(
        [...log.placed]
          .filter(([, owner]) => owner === c)
          .map(([id]) => id)
          .sort(),
      );
    });
    // Everyone is on orders-2 now, and each order is held there only.
    for (const c of customers) expect(await placementOf(c.id)).toBe(B);
    const ids = [...log.placed.keys()];
    for (let i = 0; i < ids.length; i += 25)
      for (const held of await Promise.all(ids.slice(i, i + 25).map(holders))) expect(held).toEqual([B]);
    // Stock matches the orders exactly: what left was committed, nothing stays reserved.
    const orders = seen.flat();
    const left = orders.filter((o) => o.status === 'DELIVERED').length;
    expect(await started.s.stockOf(sku)).toEqual({ sku, onHand: STOCK - left, reserved: 0, available: STOCK - left });
    // And no consumer dead-lettered anything.
    expect(await deadLetters()).toEqual({});
  }, 420_000);
});

describe('a move survives a crash of any process in it', () => {
  beforeAll(async () => {
    await api().post('/api/cells/placement/partitions/{partition}/undrain', { path: { partition: A }, token: admin });
    // Each step waits 1.5 s: the test kills a process while a move is between steps.
    expect((await runConfig(started.system, 'set', 'placement/placements', 'MIGRATION_STEP_DELAY_MS', '1500')).code).toBe(0);
  });
  afterAll(async () => {
    await runConfig(started.system, 'unset', 'placement/placements', 'MIGRATION_STEP_DELAY_MS');
  });

  /** After the move ended either way: the customer's orders are in exactly the partition that serves them, and they can order again. */
  async function whole(customer: RegisteredCustomer, before: string[]) {
    const home = await placementOf(customer.id);
    for (const id of before) expect(await holders(id)).toEqual([home]);
    const mine = (await ordersOf(customer)).map((o) => o.id).sort();
    expect(mine).toEqual([...before].sort());
    const again = await started.s.placeOrder(customer.token, [{ sku, quantity: 1 }]);
    expect(again.status).toBe(201);
    expect(await holders(again.body.id)).toEqual([home]);
  }

  it('kill -9 of the controller half-way: restarted, it finishes the move from the step it had reached', async () => {
    const customer = customers[0]!;
    const before = (await ordersOf(customer)).map((o) => o.id);
    const started_ = await move(customer.id, A);
    expect(started_.status).toBe(202);
    await reaches(started_.body.id, 'frozen');
    const controller = started.system.process('placement/placements');
    await controller.kill();
    await controller.start();
    const ended = await finished(started_.body.id);
    expect(ended).toMatchObject({ state: 'done', orders: before.length });
    expect(await placementOf(customer.id)).toBe(A);
    await whole(customer, before);
  }, 120_000);

  it('kill -9 of the target partition half-way: the move completes or rolls back, never half', async () => {
    const customer = customers[1]!;
    const before = (await ordersOf(customer)).map((o) => o.id);
    const from = await placementOf(customer.id);
    const to = from === A ? B : A;
    const res = await move(customer.id, to);
    expect(res.status).toBe(202);
    await reaches(res.body.id, 'frozen');
    const target = started.system.process(`${to}/orders`);
    await target.kill();
    await new Promise((r) => setTimeout(r, 3_000));
    await target.start();
    const ended = await finished(res.body.id);
    expect(['done', 'rolled-back']).toContain(ended.state);
    expect(await placementOf(customer.id)).toBe(ended.state === 'done' ? to : from);
    await whole(customer, before);
  }, 120_000);

  it('refuses bad moves with a problem and changes nothing', async () => {
    const customer = customers[2]!;
    // An order of their own places them, whatever the load above got done.
    expect((await started.s.placeOrder(customer.token, [{ sku, quantity: 1 }])).status).toBe(201);
    const home = await placementOf(customer.id);
    const cases: [string, string, number][] = [
      [customer.id, home, 409],
      [customer.id, 'orders-7', 404],
      ['user-never-seen', home === A ? B : A, 404],
    ];
    for (const [id, partition, status] of cases) {
      const res = await move(id, partition);
      expect(res.status, `${id} → ${partition}`).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const first = await move(customer.id, home === A ? B : A);
    const second = await move(customer.id, home === A ? B : A);
    expect(second.status).toBe(409);
    expect(second.problem?.migrationId).toBe(first.body.id);
    await finished(first.body.id);
  }, 60_000);
});

/** Dead letters on every consumer's DLQ subject, by subject (none: `{}`). */
async function deadLetters(): Promise<Record<string, number>> {
  const bus: Bus = await connectBus({
    url: started.system.nats.url,
    name: 'test-dlq',
    ...started.system.natsCredentials('system'),
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
  try {
    const found: Record<string, number> = {};
    for (const cell of systemCells({}))
      for (const component of cell.components.filter((c) => c.consumes?.length)) {
        const subject = deadLetterSubject(cell, component.name);
        const info = await bus.jsm.streams.info(cell.stream, { subjects_filter: subject });
        const n = info.state.subjects?.[subject] ?? 0;
        if (n) found[subject] = n;
      }
    return found;
  } finally {
    await bus.close();
  }
}
