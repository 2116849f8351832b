import { address, registerCustomer, uniqueKey, type RegisteredCustomer } from '../../e2e/src/retail.ts';
import type { PartitionTargets } from './partitions.ts';
import { sleep, type Log } from './log.ts';
import { percentile, round } from './stats.ts';

/*
 * Draining a partition of the orders cell under load (cells/placement/README.md, "Moving customers"): a
 * partition holding about a thousand customers, each with an order, is drained while some of them order
 * steadily. What it costs: the time to drain, how long each customer's writes were paused, and whether
 * any order failed.
 */

export interface DrainResult {
  partition: string;
  to: string;
  /** Customers the partition held, each with at least one order. */
  customers: number;
  /** From the drain command to its last move ending. */
  drainSeconds: number;
  /** The drain's moves by final state. */
  moves: Record<string, number>;
  /** Moves at once (MIGRATION_CONCURRENCY). */
  concurrency: number;
  /** Per customer, the controller's pause: from the freeze in the source to the flip of the map. */
  pauseP50Ms: number | null;
  pauseP99Ms: number | null;
  pauseMaxMs: number | null;
  /** What the customers ordering during the drain saw: writes answered 503 + Retry-After and retried. */
  load: {
    customers: number;
    ordersPerSecond: number;
    attempted: number;
    succeeded: number;
    /** Orders that did not get a 201 even after retrying as the storefront does. */
    failed: number;
    /** Writes paused by a move, and how long each waited (first 503 to its answer), client side. */
    paused: number;
    clientPauseP99Ms: number | null;
    clientPauseMaxMs: number | null;
    /** Accepted orders missing from their customer's list, or listed twice, once it is over. */
    lost: number;
    doubled: number;
  };
}

interface Write {
  status: number;
  id?: string;
  pauseMs?: number;
}

/** `items` in batches of `size` at once. */
async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map((item, j) => work(item, i + j)))));
  return out;
}

export async function measureDrain(
  targets: PartitionTargets & { sku: string },
  options: { customers?: number; loaders?: number; ordersPerSecond?: number } = {},
  log: Log,
): Promise<DrainResult> {
  const { api, adminToken: admin, sku } = targets;
  const { customers: count = 1000, loaders = 40, ordersPerSecond = 20 } = options;
  const [from, to] = ['orders-1', 'orders-2'];
  const setState = (partition: string, state: 'active' | 'draining') =>
    api.put('/api/cells/placement/partitions/{partition}', { path: { partition }, token: admin, body: { state } });
  const order = (customer: RegisteredCustomer, key = uniqueKey('bench-drain')) =>
    api.post('/api/orders', {
      token: customer.token,
      headers: { 'Idempotency-Key': key },
      body: { lines: [{ sku, quantity: 1 }], shippingAddress: address },
    });

  // Every new customer on orders-1 while orders-2 takes nobody: the partition to drain fills up.
  log(`drain: signing up ${count} customers, each placing an order on ${from}`);
  await setState(to, 'draining');
  let customers: RegisteredCustomer[];
  try {
    customers = await inBatches(Array.from({ length: count }), 8, (_, i) => registerCustomer(api, `Drain ${i}`));
    const first = await inBatches(customers, 16, (c) => order(c));
    const refused = first.filter((r) => r.status !== 201);
    if (refused.length) throw new Error(`${refused.length} first orders refused: ${refused[0]!.status} ${refused[0]!.problem?.detail}`);
  } finally {
    await setState(to, 'active');
  }

  // Steady load from some of them, each write retried on 503 + Retry-After as the storefront does.
  const writes: Write[] = [];
  const accepted = new Map<string, RegisteredCustomer>();
  let stopping = false;
  const ordering = customers.slice(0, loaders);
  const loop = async (customer: RegisteredCustomer, offsetMs: number) => {
    await sleep(offsetMs);
    while (!stopping) {
      const key = uniqueKey('bench-drain');
      const started = Date.now();
      let pausedAt: number | undefined;
      for (let attempt = 0; ; attempt++) {
        const res = await order(customer, key);
        const retryAfter = res.headers.get('retry-after');
        if (res.status === 503 && retryAfter && attempt < 20) {
          pausedAt ??= Date.now();
          await sleep(Math.min(Number(retryAfter), 5) * 1000);
          continue;
        }
        writes.push({ status: res.status, id: res.body?.id, ...(pausedAt ? { pauseMs: Date.now() - pausedAt } : {}) });
        if (res.status === 201 || res.status === 200) accepted.set(res.body.id, customer);
        break;
      }
      await sleep(Math.max(0, (loaders / ordersPerSecond) * 1000 - (Date.now() - started)));
    }
  };
  const load = Promise.all(ordering.map((c, i) => loop(c, (i * 1000) / ordersPerSecond)));
  await sleep(2_000);

  log(`drain: draining ${from} (${count} customers) while ${loaders} of them order ${ordersPerSecond}/s`);
  const began = Date.now();
  const drained = { path: { partition: from }, token: admin };
  const drain = await api.post('/api/cells/placement/partitions/{partition}/drain', drained);
  if (drain.status !== 202) throw new Error(`drain refused: ${drain.status} ${drain.problem?.detail}`);
  let status = drain.body;
  while (status.state !== 'done') {
    await sleep(250);
    status = (await api.get('/api/cells/placement/partitions/{partition}/drain', drained)).body;
  }
  const drainSeconds = (Date.now() - began) / 1000;
  await sleep(1_000);
  stopping = true;
  await load;
  log(`drain: ${from} drained in ${round(drainSeconds, 1)} s: ${JSON.stringify(status.migrations)}`);

  const moves = (await api.get('/api/cells/migrations', { query: { drain: from, limit: 1000 }, token: admin })).body.items;
  const pauses = moves.filter((m) => m.frozenAt && m.flippedAt).map((m) => Date.parse(m.flippedAt!) - Date.parse(m.frozenAt!));
  const clientPauses = writes.flatMap((w) => (w.pauseMs === undefined ? [] : [w.pauseMs]));

  // Every accepted order once in its customer's list (now served by the other partition).
  let lost = 0;
  let doubled = 0;
  for (const customer of ordering) {
    const listed: string[] = [];
    for (let page = 1; ; page++) {
      const res = await api.get('/api/orders', { query: { page, pageSize: 100 }, token: customer.token });
      listed.push(...res.body.items.map((o) => o.id));
      if (listed.length >= res.body.total || res.body.items.length === 0) break;
    }
    doubled += listed.length - new Set(listed).size;
    for (const [id, owner] of accepted) if (owner === customer && !listed.includes(id)) lost++;
  }
  await api.post('/api/cells/placement/partitions/{partition}/undrain', drained);

  return {
    partition: from,
    to,
    customers: count,
    drainSeconds: round(drainSeconds, 1),
    moves: status.migrations,
    concurrency: Number(targets.system.plan('placement/placements').env.MIGRATION_CONCURRENCY ?? 4),
    pauseP50Ms: percentile(pauses, 50) ?? null,
    pauseP99Ms: percentile(pauses, 99) ?? null,
    pauseMaxMs: pauses.length ? Math.max(...pauses) : null,
    load: {
      customers: loaders,
      ordersPerSecond,
      attempted: writes.length,
      succeeded: writes.filter((w) => w.status === 201 || w.status === 200).length,
      failed: writes.filter((w) => w.status !== 201 && w.status !== 200).length,
      paused: clientPauses.length,
      clientPauseP99Ms: percentile(clientPauses, 99) ?? null,
      clientPauseMaxMs: clientPauses.length ? Math.max(...clientPauses) : null,
      lost,
      doubled,
    },
  };
}
