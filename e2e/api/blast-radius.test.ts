import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Schemas } from '../src/client.ts';
import { address, registerCustomer, startShopSystem, uniqueKey, type RegisteredCustomer } from '../src/retail.ts';

/**
 * The orders cell runs as two partitions. Customers of both order continuously while every process of
 * orders-1 is stopped and started again: orders-2's customers never notice, orders-1's are told at once
 * (503 naming the partition, never a timeout) and order again once it is back, with nothing lost or
 * doubled.
 */
type Started = Awaited<ReturnType<typeof startShopSystem>>;
let started: Started;
let sku: string;
const byPartition = new Map<string, RegisteredCustomer[]>();
const DOWN = 'orders-1';
const UP = 'orders-2';

interface Attempt {
  customer: RegisteredCustomer;
  partition: string;
  key: string;
  at: number;
  ms: number;
  status: number;
  header: string | null;
  /** The order, with a 201. */
  body: Schemas['Order'];
  /** What was said instead, with an error status. */
  problem: Schemas['Problem'] | undefined;
  contentType: string | null;
}

beforeAll(async () => {
  started = await startShopSystem();
  const { api, s } = started;
  sku = await s.productWithStock('BLAST', 100_000, 500);
  // Sign up customers until each partition holds three; placement says where each one lives.
  for (let i = 0; i < 40 && ![DOWN, UP].every((p) => (byPartition.get(p)?.length ?? 0) >= 3); i++) {
    const customer = await registerCustomer(api, `Blast ${i}`);
    const placed = await api.get('/api/cells/placement/{customerId}', { path: { customerId: customer.id }, token: s.admin });
    expect(placed.status).toBe(200);
    const list = byPartition.get(placed.body.partition) ?? [];
    if (list.length < 3) byPartition.set(placed.body.partition, [...list, customer]);
  }
}, 120_000);

afterAll(async () => {
  await started?.system.stop();
});

describe('blast radius of a partition', () => {
  it('keeps the other partition at full success while one is down, fails its customers fast, and loses nothing', async () => {
    const { api, system, s } = started;
    const partitionPlans = system.plans.filter((p) => p.cell === DOWN);
    expect(partitionPlans.map((p) => p.name).sort()).toEqual([`${DOWN}/checkout`, `${DOWN}/gateway`, `${DOWN}/orders`]);
    const attempts: Attempt[] = [];
    let stopping = false;
    const order = async (customer: RegisteredCustomer, partition: string) => {
      const key = uniqueKey('blast');
      const at = Date.now();
      const res = await api.post('/api/orders', {
        token: customer.token,
        body: {
          lines: [{ sku, quantity: 1 }],
          shippingAddress: { ...address, name: customer.name },
        },
        headers: { 'Idempotency-Key': key },
      });
      attempts.push({
        customer,
        partition,
        key,
        at,
        ms: Date.now() - at,
        status: res.status,
        header: res.headers.get('x-cell-partition'),
        body: res.body,
        problem: res.problem,
        contentType: res.headers.get('content-type'),
      });
    };
    const customers = [...byPartition].flatMap(([partition, list]) => list.map((customer) => ({ customer, partition })));
    const load = Promise.all(
      customers.map(async ({ customer, partition }) => {
        while (!stopping) {
          await order(customer, partition);
          await new Promise((r) => setTimeout(r, 100));
        }
      }),
    );

    await new Promise((r) => setTimeout(r, 1_500));
    await Promise.all(partitionPlans.map((p) => system.process(p.name).stop()));
    const downFrom = Date.now();
    await new Promise((r) => setTimeout(r, 3_000));
    const downUntil = Date.now();
    // As npm start does: the services first, then their gateway.
    await Promise.all(partitionPlans.filter((p) => p.kind !== 'cell-gateway').map((p) => system.process(p.name).start()));
    await system.process(`${DOWN}/gateway`).start();
    const upAgain = Date.now();
    await new Promise((r) => setTimeout(r, 2_000));
    stopping = true;
    await load;

    // orders-2's customers: every request succeeded, before, during and after, and went to orders-2.
    const others = attempts.filter((a) => a.partition === UP);
    expect(others.length).toBeGreaterThan(30);
    expect(others.filter((a) => a.status !== 201).map((a) => `${a.status} ${JSON.stringify(a.problem)}`)).toEqual([]);
    expect(new Set(others.map((a) => a.header))).toEqual(new Set([UP]));

    // orders-1's customers while it was down: a 503 problem naming the partition, at once.
    const outage = attempts.filter((a) => a.partition === DOWN && a.at >= downFrom && a.at + a.ms <= downUntil);
    expect(outage.length).toBeGreaterThan(10);
    for (const a of outage) {
      expect(a.status, JSON.stringify(a.problem)).toBe(503);
      expect(a.contentType).toMatch(/^application\/problem\+json/);
      expect(a.problem?.detail).toContain(DOWN);
      expect(a.header).toBe(DOWN);
    }
    // At once, not after a timeout (the forwarder's is seconds); the bench measures how fast (p99 < 100 ms).
    const slowest = Math.max(...outage.map((a) => a.ms));
    expect(slowest, 'a refused order answers at once').toBeLessThan(1_000);

    // …and again once it was back: each of them ordered successfully after the restart.
    for (const customer of byPartition.get(DOWN)!) {
      const after = attempts.filter((a) => a.customer === customer && a.at >= upAgain);
      expect(after.some((a) => a.status === 201)).toBe(true);
    }

    // Nothing lost, nothing doubled: every accepted order is confirmed, once, in its customer's list.
    for (const { customer } of customers) {
      const accepted = attempts.filter((a) => a.customer === customer && a.status === 201).map((a) => a.body.id);
      expect(new Set(accepted).size).toBe(accepted.length);
      for (const id of accepted) await s.orderReaches(customer.token, id, 'CONFIRMED', 30_000);
      const listed: string[] = [];
      for (let page = 1; listed.length === (page - 1) * 100; page++) {
        const res = await api.get('/api/orders', { query: { pageSize: 100, page }, token: customer.token });
        expect(res.status).toBe(200);
        listed.push(...res.body.items.map((o) => o.id));
        if (res.body.items.length < 100) break;
      }
      expect(listed.sort()).toEqual([...accepted].sort());
    }
  }, 120_000);
});
