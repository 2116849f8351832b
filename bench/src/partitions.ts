import type { ApiClient } from '../../e2e/src/client.ts';
import { address, registerCustomer, uniqueKey, type RegisteredCustomer } from '../../e2e/src/retail.ts';
import type { TestSystem } from '../../e2e/src/system.ts';
import type { BenchConfig } from './config.ts';
import { measureLoad, type LoadResult } from './load.ts';
import { sleep, type Log } from './log.ts';
import { percentile, round } from './stats.ts';

/*
 * The partitioned orders cell under the bench: what the cell router costs on the gateway path, and how
 * far an outage of one partition reaches (README.md, "Two kinds of cells").
 */

export interface RouterCost {
  /** `GET /api/orders/<id>` through gateway-global: the cell router picks the caller's partition. */
  routed: LoadResult;
  /** The same request at that partition's gateway, directly. */
  direct: LoadResult;
  /** The partition the router sent it to. */
  partition: string;
  /** p50/p99 that gateway-global adds on the orders path (routed − direct): its hop and the router. */
  routedHopP50Ms: number;
  routedHopP99Ms: number;
  /** … and on the products path ((c) − (b)): its hop without a router, in the same run. */
  plainHopP50Ms: number | null;
  plainHopP99Ms: number | null;
  /** What the router adds to gateway-global's hop, against (c)'s p50: the issue's 10 % target. */
  routerP50Ms: number | null;
  routerP50PercentOfC: number | null;
  /** routed/direct against (c)/(b): throughput the router costs on top of the hop, in %. */
  routerThroughputLossPercent: number | null;
}

export interface PartitionOutcome {
  partition: string;
  customers: number;
  /** Orders attempted while the other partition (or this one) was down. */
  attempts: number;
  succeeded: number;
  /** 503 problem+json naming this partition. */
  refused: number;
  other: number;
  /** Client-side latency of those answers. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface BlastRadius {
  down: string;
  up: string;
  outageSeconds: number;
  /** Each partition's orders during the outage. */
  during: PartitionOutcome[];
  /** From the restart of the down partition's processes to its customers' first 201. */
  recoveredAfterMs: number | null;
  /** Accepted orders missing from their customer's list, and ids accepted twice. */
  lost: number;
  doubled: number;
}

/** How the bench reaches the system: its processes, its public API and an operator's token. */
export interface PartitionTargets {
  system: TestSystem;
  api: ApiClient;
  adminToken: string;
}

export interface RouterTargets extends PartitionTargets {
  /** A customer's token and an order of theirs. */
  customer: { token: string; orderId: string };
  /** (b) and (c) of the gateway path, when they were measured. */
  products?: { b?: LoadResult; c?: LoadResult };
}

const partitionOf = async (api: ApiClient, admin: string, customerId: string) =>
  (await api.get('/api/cells/placement/{customerId}', { path: { customerId }, token: admin })).body.partition;

export async function measureRouterCost(targets: RouterTargets, config: BenchConfig, log: Log): Promise<RouterCost> {
  const { system, customer } = targets;
  const seen = await targets.api.get('/api/orders/{id}', { path: { id: customer.orderId }, token: customer.token });
  const partition = seen.headers.get('x-cell-partition');
  if (seen.status !== 200 || !partition) throw new Error(`the customer's order: ${seen.status} without a partition`);
  const run = (title: string, url: string) =>
    measureLoad(
      {
        title,
        url,
        headers: () => ({ authorization: `Bearer ${customer.token}` }),
        connections: config.connections,
        warmupSeconds: config.warmupSeconds,
        durationSeconds: config.durationSeconds,
      },
      log,
    );
  const routed = await run('(r) gateway-global → cell router → partition', `${system.url}/api/orders/${customer.orderId}`);
  const direct = await run(`(s) ${partition} gateway, directly`, `${system.plan(`${partition}/gateway`).url}/orders/${customer.orderId}`);
  const { b, c } = targets.products ?? {};
  const plain = (pick: (l: LoadResult) => number) => (b && c && !b.failure && !c.failure ? round(pick(c) - pick(b), 2) : null);
  const routedHopP50Ms = round(routed.p50Ms - direct.p50Ms, 2);
  const plainHopP50Ms = plain((l) => l.p50Ms);
  const routerP50Ms = plainHopP50Ms === null ? null : round(routedHopP50Ms - plainHopP50Ms, 2);
  const keeps = (x?: LoadResult, y?: LoadResult) =>
    x?.requestsPerSecond && y?.requestsPerSecond ? x.requestsPerSecond / y.requestsPerSecond : null;
  const routedKeeps = keeps(routed, direct);
  const plainKeeps = keeps(c, b);
  return {
    routed,
    direct,
    partition,
    routedHopP50Ms,
    routedHopP99Ms: round(routed.p99Ms - direct.p99Ms, 2),
    plainHopP50Ms,
    plainHopP99Ms: plain((l) => l.p99Ms),
    routerP50Ms,
    routerP50PercentOfC: routerP50Ms === null || !c?.p50Ms ? null : round((100 * Math.max(0, routerP50Ms)) / c.p50Ms, 1),
    routerThroughputLossPercent:
      routedKeeps === null || plainKeeps === null ? null : round(100 * Math.max(0, 1 - routedKeeps / plainKeeps), 1),
  };
}

interface Attempt {
  partition: string;
  customer: RegisteredCustomer;
  at: number;
  ms: number;
  status: number;
  id?: string;
  detail?: string;
}

/**
 * Customers of both partitions order continuously (one order per customer every `pauseMs`); every process
 * of one partition is stopped for `outageSeconds`, then started again (services, then the gateway, as npm
 * start does). Reports each partition's success during the outage, how fast refusals came, when the
 * stopped partition's customers ordered again, and whether any accepted order was lost or doubled.
 */
export async function measureBlastRadius(
  targets: PartitionTargets & { sku: string },
  options: { perPartition?: number; outageSeconds?: number; pauseMs?: number },
  log: Log,
): Promise<BlastRadius> {
  const { system, api, adminToken } = targets;
  const { perPartition = 4, outageSeconds = 10, pauseMs = 50 } = options;
  const byPartition = new Map<string, RegisteredCustomer[]>();
  for (let i = 0; i < 20 * perPartition && [...byPartition.values()].filter((l) => l.length >= perPartition).length < 2; i++) {
    const customer = await registerCustomer(api, `Bench ${i}`);
    const partition = await partitionOf(api, adminToken, customer.id);
    const list = byPartition.get(partition) ?? [];
    if (list.length < perPartition) byPartition.set(partition, [...list, customer]);
  }
  const [down, up] = [...byPartition.keys()].sort();
  if (!down || !up) throw new Error('could not place customers on two partitions');
  log(`blast radius: ${perPartition} customers on each of ${down} and ${up}; ${down} goes down for ${outageSeconds} s`);

  const attempts: Attempt[] = [];
  let stopping = false;
  const orderLoop = async (partition: string, customer: RegisteredCustomer) => {
    while (!stopping) {
      const at = Date.now();
      const res = await api.post('/api/orders', {
        token: customer.token,
        body: { lines: [{ sku: targets.sku, quantity: 1 }], shippingAddress: address },
        headers: { 'Idempotency-Key': uniqueKey('bench-blast') },
      });
      const id = res.status === 201 ? res.body.id : undefined;
      attempts.push({ partition, customer, at, ms: Date.now() - at, status: res.status, id, detail: res.problem?.detail });
      await sleep(pauseMs);
    }
  };
  const load = Promise.all([...byPartition].flatMap(([partition, list]) => list.map((c) => orderLoop(partition, c))));
  const plans = system.plans.filter((p) => p.cell === down);
  await sleep(2_000);
  await Promise.all(plans.map((p) => system.process(p.name).stop()));
  const downFrom = Date.now();
  await sleep(outageSeconds * 1000);
  const downUntil = Date.now();
  await Promise.all(plans.filter((p) => p.kind !== 'cell-gateway').map((p) => system.process(p.name).start()));
  await Promise.all(plans.filter((p) => p.kind === 'cell-gateway').map((p) => system.process(p.name).start()));
  const restarted = Date.now();
  await sleep(3_000);
  stopping = true;
  await load;

  const during = [down, up].map((partition): PartitionOutcome => {
    const inOutage = attempts.filter((a) => a.partition === partition && a.at >= downFrom && a.at + a.ms <= downUntil);
    const ms = inOutage.map((a) => a.ms);
    return {
      partition,
      customers: byPartition.get(partition)!.length,
      attempts: inOutage.length,
      succeeded: inOutage.filter((a) => a.status === 201).length,
      refused: inOutage.filter((a) => a.status === 503 && a.detail?.includes(partition)).length,
      other: inOutage.filter((a) => a.status !== 201 && !(a.status === 503 && a.detail?.includes(partition))).length,
      p50Ms: percentile(ms, 50) ?? null,
      p99Ms: percentile(ms, 99) ?? null,
      maxMs: ms.length ? Math.max(...ms) : null,
    };
  });
  const firstBack = attempts.find((a) => a.partition === down && a.at >= restarted && a.status === 201);

  let lost = 0;
  let doubled = 0;
  for (const list of byPartition.values()) {
    for (const customer of list) {
      const accepted = attempts.filter((a) => a.customer === customer && a.status === 201).map((a) => a.id!);
      doubled += accepted.length - new Set(accepted).size;
      const ids = new Set<string>();
      for (let page = 1; ; page++) {
        const listed = await api.get('/api/orders', { query: { pageSize: 100, page }, token: customer.token });
        const items = listed.status === 200 ? listed.body.items : [];
        for (const o of items) ids.add(o.id);
        if (items.length < 100) break;
      }
      lost += accepted.filter((id) => !ids.has(id)).length;
    }
  }
  return {
    down,
    up,
    outageSeconds: round((downUntil - downFrom) / 1000, 1),
    during,
    recoveredAfterMs: firstBack ? firstBack.at + firstBack.ms - restarted : null,
    lost,
    doubled,
  };
}
