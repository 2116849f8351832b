import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, kvDelete, kvPut } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { waitFor } from '@retail/testing';
import { address, registerCustomer, startShopSystem, uniqueKey, type RegisteredCustomer } from '../src/retail.ts';
import { runConfig } from '../src/system.ts';

/**
 * Instances, discovery, balancing and live configuration, against the whole system with two instances
 * of every checkout and of the products gateway (SCALE). Each instance registers itself in the registry
 * (a NATS key-value bucket), callers balance over what it lists, and settings change while it runs.
 */
type Started = Awaited<ReturnType<typeof startShopSystem>>;
let started: Started;
let sku: string;
let admin: string;
const customers: RegisteredCustomer[] = [];

interface Instance {
  cell: string;
  component: string;
  instance: string;
  url: string;
  pid: number;
  config?: Record<string, { value: unknown; source: string }>;
  refused?: Record<string, string>;
}

const instances = async (): Promise<{ registry: string; instances: Instance[] }> =>
  (await fetch(`${started.system.url}/console/instances`, { headers: { authorization: `Bearer ${admin}` } })).json() as never;
const of = (list: Instance[], cell: string, component: string) => list.filter((i) => i.cell === cell && i.component === component);

const config = (...args: string[]) => runConfig(started.system, ...args);

/** Requests a process has answered for `route`, from its own Prometheus listener. */
const answered = async (plan: string, route: string) => {
  const text = await (await fetch(`http://127.0.0.1:${started.system.plan(plan).metricsPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('http_server_request_duration_count{') && l.includes(`http_route="${route}"`))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
};

const order = (customer: RegisteredCustomer, key: string) =>
  started.api.post('/api/orders', {
    token: customer.token,
    headers: { 'Idempotency-Key': key },
    body: { lines: [{ sku, quantity: 1 }], shippingAddress: address },
  });

beforeAll(async () => {
  started = await startShopSystem({ scale: 'orders/checkout=2,products/gateway=2' });
  sku = await started.s.productWithStock('SCALED', 100_000, 700);
  admin = started.s.admin;
  for (let i = 0; i < 6; i++) customers.push(await registerCustomer(started.api, `Scaled ${i}`));
}, 120_000);
afterAll(async () => started?.system.stop());

describe('instances in the registry', () => {
  it('lists every instance of every process, two of each scaled one, each at its own address', async () => {
    const seen = await waitFor(
      async () => {
        const report = await instances();
        return (
          of(report.instances, 'orders-1', 'checkout').length === 2 && of(report.instances, 'products', 'gateway').length === 2 && report
        );
      },
      { what: 'both instances of orders-1/checkout and products/gateway registered', timeoutMs: 20_000 },
    );
    expect(seen.registry).toBe('live');
    expect(of(seen.instances, 'orders-2', 'checkout')).toHaveLength(2);
    expect(of(seen.instances, 'edge', 'gateway-global')).toHaveLength(1);
    const checkouts = of(seen.instances, 'orders-1', 'checkout');
    expect(new Set(checkouts.map((i) => i.url)).size).toBe(2);
    expect(checkouts.map((i) => i.url).sort()).toEqual(
      [started.system.plan('orders-1/checkout').url, started.system.plan('orders-1/checkout#2').url].sort(),
    );
    // Single writers stay single.
    expect(of(seen.instances, 'orders-1', 'orders')).toHaveLength(1);
    expect(of(seen.instances, 'products', 'catalog')).toHaveLength(1);
  });

  it('spreads the calls over both instances of the products gateway', async () => {
    const before = await Promise.all(['products/gateway', 'products/gateway#2'].map((p) => answered(p, '/products/:sku')));
    for (let i = 0; i < 20; i++) expect((await started.api.get('/api/products/{sku}', { path: { sku } })).status).toBe(200);
    const after = await Promise.all(['products/gateway', 'products/gateway#2'].map((p) => answered(p, '/products/:sku')));
    expect(after[0]! - before[0]!).toBeGreaterThan(0);
    expect(after[1]! - before[1]!).toBeGreaterThan(0);
    expect(after[0]! - before[0]! + (after[1]! - before[1]!)).toBe(20);
  });

  it('loses no order and shows no 5xx when one of two checkouts is killed in a burst; the dead one leaves the registry within its TTL, and back, it takes traffic', async () => {
    const victim = started.system.process('orders-1/checkout');
    const victimId = of((await instances()).instances, 'orders-1', 'checkout').find(
      (i) => i.url === started.system.plan('orders-1/checkout').url,
    )!.instance;
    const results: { customer: RegisteredCustomer; key: string; status: number; id?: string }[] = [];
    let killedAt = 0;
    const burst = customers.flatMap((customer) =>
      Array.from({ length: 10 }, async (_, n) => {
        await new Promise((r) => setTimeout(r, n * 40));
        if (n === 3 && customer === customers[0]) {
          killedAt = Date.now();
          void victim.kill();
        }
        const key = uniqueKey('burst');
        const res = await order(customer, key);
        results.push({ customer, key, status: res.status, id: res.body?.id });
      }),
    );
    await Promise.all(burst);
    expect(killedAt).toBeGreaterThan(0);
    // Every order answered 201: a request the dead instance held or refused went to the other one.
    expect(results.filter((r) => r.status >= 500).map((r) => `${r.status} ${r.key}`)).toEqual([]);
    expect(results.every((r) => r.status === 201)).toBe(true);

    // Each exactly once, in its customer's list, and every one reaches CONFIRMED.
    for (const customer of customers) {
      const mine = results.filter((r) => r.customer === customer);
      await waitFor(
        async () => {
          const list = await started.api.get('/api/orders', { query: { pageSize: 100 }, token: customer.token });
          const ids = list.body.items.filter((o) => mine.some((r) => r.id === o.id));
          return ids.length === mine.length && ids.every((o) => o.status === 'CONFIRMED');
        },
        { what: `the orders of ${customer.email} confirmed`, timeoutMs: 60_000 },
      );
      const list = await started.api.get('/api/orders', { query: { pageSize: 100 }, token: customer.token });
      expect(list.body.items.length).toBe(mine.length);
      expect(new Set(mine.map((r) => r.id)).size).toBe(mine.length);
    }

    // Gone from the registry within its TTL (15 s), without having said goodbye.
    await waitFor(async () => !(await instances()).instances.some((i) => i.instance === victimId), {
      what: 'the killed instance gone from the registry',
      timeoutMs: 25_000,
    });
    expect(Date.now() - killedAt).toBeLessThan(20_000);

    // Started again: registered anew, and balanced to.
    await victim.start();
    await waitFor(async () => of((await instances()).instances, 'orders-1', 'checkout').length === 2, {
      what: 'the restarted instance registered',
      timeoutMs: 20_000,
    });
    const before = await answered('orders-1/checkout', '/orders');
    for (const customer of customers)
      for (let i = 0; i < 4; i++) {
        const res = await order(customer, uniqueKey('after'));
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
    expect(await answered('orders-1/checkout', '/orders')).toBeGreaterThan(before);
  }, 180_000);
});

describe('live configuration', () => {
  const gateways = (list: Instance[]) => of(list, 'products', 'gateway');

  it('applies a change to every instance within seconds, without a restart, and says where each value came from', async () => {
    const pids = gateways((await instances()).instances).map((i) => i.pid);
    const set = await config('set', 'products/gateway', 'RATE_LIMIT_PER_SECOND', '1');
    expect(set.code, set.stderr).toBe(0);
    expect((await config('set', 'products/gateway', 'RATE_LIMIT_BURST', '1')).code).toBe(0);
    expect((await config('set', 'system', 'LOG_LEVEL', 'debug')).code).toBe(0);
    await waitFor(
      async () => {
        const list = (await instances()).instances;
        return (
          gateways(list).every((i) => i.config?.RATE_LIMIT_PER_SECOND?.value === 1 && i.config.RATE_LIMIT_BURST?.value === 1) &&
          list.every((i) => i.config?.LOG_LEVEL?.value === 'debug')
        );
      },
      { what: 'every instance on the new settings', timeoutMs: 10_000 },
    );
    const list = (await instances()).instances;
    expect(gateways(list).map((i) => i.config!.RATE_LIMIT_PER_SECOND!.source)).toEqual([
      'products/gateway (operator)',
      'products/gateway (operator)',
    ]);
    expect(gateways(list).map((i) => i.pid)).toEqual(pids);
    // And it is in force: a burst of reads meets the limit at the products gateways.
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => started.api.get('/api/products/{sku}', { path: { sku } }).then((r) => r.status)),
    );
    expect(statuses).toContain(429);

    expect((await config('unset', 'products/gateway', 'RATE_LIMIT_PER_SECOND')).code).toBe(0);
    expect((await config('unset', 'products/gateway', 'RATE_LIMIT_BURST')).code).toBe(0);
    expect((await config('unset', 'system', 'LOG_LEVEL')).code).toBe(0);
    // Back to what the processes were started with (the system tests start them without limits).
    await waitFor(async () => gateways((await instances()).instances).every((i) => i.config?.RATE_LIMIT_PER_SECOND?.source === 'env'), {
      what: 'the limits handed back',
      timeoutMs: 10_000,
    });
    for (let i = 0; i < 8; i++) expect((await started.api.get('/api/products/{sku}', { path: { sku } })).status).toBe(200);
  });

  it('refuses an invalid change, at the CLI and in the processes, and nothing changes', async () => {
    const refused = await config('set', 'products/gateway', 'RATE_LIMIT_BURST', '0');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/RATE_LIMIT_BURST/);
    const secret = await config('set', 'orders/checkout', 'CLIENT_SECRET', 'x');
    expect(secret.code).toBe(1);
    expect(secret.stderr).toMatch(/secret/i);

    // Written around the CLI, straight into the bucket: each instance refuses it and keeps its value.
    const { user, pass } = started.system.natsCredentials('system');
    const bus = await connectBus({
      url: started.system.nats.url,
      name: 'test',
      user,
      pass,
      logger: createLogger({ name: 't', level: 'silent' }),
    });
    try {
      await kvPut(
        bus,
        'config',
        'orders.checkout.LOG_LEVEL',
        JSON.stringify({ value: 'loud', source: 'operator', at: new Date().toISOString() }),
      );
      await waitFor(
        async () => {
          const checkouts = (await instances()).instances.filter((i) => i.component === 'checkout');
          return (
            checkouts.length === 4 &&
            checkouts.every((i) => i.refused?.LOG_LEVEL && i.config?.LOG_LEVEL?.value && i.config.LOG_LEVEL.value !== 'loud')
          );
        },
        { what: 'every checkout refusing it, keeping its level', timeoutMs: 10_000 },
      );
    } finally {
      await kvDelete(bus, 'config', 'orders.checkout.LOG_LEVEL');
      await bus.close();
    }
  });
});

describe('without the registry', () => {
  it('keeps serving on the instances it knew while NATS is down, and says so', async () => {
    await started.system.nats.stop();
    try {
      await waitFor(async () => (await instances()).registry === 'unreachable', { what: 'the console to say so', timeoutMs: 10_000 });
      expect(of((await instances()).instances, 'products', 'gateway')).toHaveLength(2);
      for (let i = 0; i < 10; i++) expect((await started.api.get('/api/products/{sku}', { path: { sku } })).status).toBe(200);
      expect(started.system.process('gateway-global').output()).toMatch(/registry bucket unreachable/);
    } finally {
      await started.system.nats.start();
    }
    await waitFor(async () => (await instances()).registry === 'live', { what: 'live again', timeoutMs: 20_000 });
  }, 60_000);
});
