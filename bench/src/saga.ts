import { connect } from '@nats-io/transport-node';
import { addressed } from '@retail/descriptor';
import { OrderSubjects } from '@retail/orders-contract';
import { watchCpu } from './cpu-watch.ts';
import type { Log } from './log.ts';
import { percentile, round } from './stats.ts';

export interface SagaDeps {
  /** POST /api/orders through gateway-global, as a customer. */
  placeOrder(token: string, lines: { sku: string; quantity: number }[], idempotencyKey: string): Promise<{ status: number; body: any }>;
  /** Customers' tokens; client k places its orders with token k mod n. */
  customers: string[];
  /** A product with at least `orders` units available. */
  sku: string;
  /** NATS, as a user that may subscribe to `orders.>` (the `system` user). */
  nats: { url: string; user: string; pass: string };
  orders: number;
  clients: number;
  timeoutSeconds: number;
}

export interface SagaResult {
  orders: number;
  clients: number;
  confirmed: number;
  rejected: number;
  /** POSTs answered with anything but 201. */
  refused: number;
  refusedStatuses: Record<string, number>;
  /** What the first refused POST said (its problem+json detail). */
  firstRefusal?: string;
  /** orders / (first POST → last orders.order.confirmed); null when the run FAILED. */
  ordersPerSecond: number | null;
  elapsedSeconds: number;
  /** Confirmed orders per second over the same span, whether or not the run FAILED: what the system managed. */
  confirmedPerSecond: number;
  /** Over every POST, refused ones included: what the clients waited. */
  postP50Ms: number | null;
  postP99Ms: number | null;
  /** From the 201 reaching the client to orders.order.confirmed reaching the bench. */
  confirmP50Ms: number | null;
  confirmP99Ms: number | null;
  /** Confirmations that arrived before their 201 (counted as 0 ms). */
  confirmedBeforeAnswer: number;
  /** CPU used by other processes on the machine during the run, in % of all cores. */
  otherCpuPercent: number;
  failure?: string;
}

/**
 * N orders from C concurrent clients through gateway-global, timed until every one is CONFIRMED. The
 * confirmations are seen as they happen, on the orders cell's `orders.order.confirmed` events (a core
 * NATS subscription, no polling).
 */
export async function runSaga(deps: SagaDeps, log: Log): Promise<SagaResult> {
  const nc = await connect({ servers: deps.nats.url, user: deps.nats.user, pass: deps.nats.pass, name: 'bench-saga' });
  const confirmedAt = new Map<string, number>();
  const rejectedIds = new Set<string>();
  let allSettled: () => void = () => {};
  const settled = new Promise<void>((resolve) => (allSettled = resolve));
  const placedAt = new Map<string, number>();
  let posting = true;
  const checkDone = () => {
    if (posting) return;
    for (const id of placedAt.keys()) if (!confirmedAt.has(id) && !rejectedIds.has(id)) return;
    allSettled();
  };
  // From every partition of the orders cell: each publishes on its own subjects (orders.orders-2.order.confirmed).
  nc.subscribe(addressed(OrderSubjects.confirmed, '*'), {
    callback: (_, m) => {
      const at = performance.now();
      const id = m.json<{ data: { orderId: string } }>().data.orderId;
      confirmedAt.set(id, at);
      if (placedAt.has(id)) checkDone();
    },
  });
  nc.subscribe(addressed(OrderSubjects.rejected, '*'), {
    callback: (_, m) => {
      rejectedIds.add(m.json<{ data: { orderId: string } }>().data.orderId);
      checkDone();
    },
  });
  await nc.flush();

  const run = `bench-${process.pid}-${Date.now().toString(36)}`;
  const postLatencies: number[] = [];
  const refusedStatuses: Record<string, number> = {};
  let firstRefusal: string | undefined;
  let next = 0;
  log(`saga: ${deps.orders} orders from ${deps.clients} concurrent clients`);
  const cpu = watchCpu();
  const started = performance.now();
  const progress = setInterval(() => log(`saga: ${placedAt.size} placed, ${confirmedAt.size} confirmed`), 5_000);
  const client = async (k: number) => {
    const token = deps.customers[k % deps.customers.length]!;
    while (next < deps.orders) {
      const i = next++;
      const sent = performance.now();
      const res = await deps
        .placeOrder(token, [{ sku: deps.sku, quantity: 1 }], `${run}-${i}`)
        .catch((error: Error) => ({ status: 0, body: error.message }));
      const answered = performance.now();
      postLatencies.push(answered - sent);
      if (res.status === 201 && typeof res.body?.id === 'string') placedAt.set(res.body.id, answered);
      else {
        const status = res.status || 'network error';
        refusedStatuses[status] = (refusedStatuses[status] ?? 0) + 1;
        firstRefusal ??= `${status}: ${typeof res.body === 'string' ? res.body : (res.body?.detail ?? res.body?.title ?? JSON.stringify(res.body))}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.clients, deps.orders) }, (_, k) => client(k)));
  posting = false;
  checkDone();
  const timedOut = await Promise.race([
    settled.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), deps.timeoutSeconds * 1000).unref()),
  ]);
  clearInterval(progress);
  const otherCpuPercent = cpu.otherPercent();
  await nc.drain();

  const ids = [...placedAt.keys()];
  const confirmedIds = ids.filter((id) => confirmedAt.has(id));
  const rejected = ids.filter((id) => rejectedIds.has(id)).length;
  const refused = deps.orders - placedAt.size;
  const lastConfirmed = Math.max(...confirmedIds.map((id) => confirmedAt.get(id)!));
  const elapsedSeconds = ((confirmedIds.length ? lastConfirmed : performance.now()) - started) / 1000;
  const confirmLatencies = confirmedIds.map((id) => confirmedAt.get(id)! - placedAt.get(id)!);
  const problems = [
    refused
      ? `${refused} of ${deps.orders} POSTs refused (${Object.entries(refusedStatuses)
          .map(([s, n]) => `${s}×${n}`)
          .join(', ')}; first: "${firstRefusal}")`
      : '',
    rejected ? `${rejected} orders REJECTED` : '',
    timedOut ? `${ids.length - confirmedIds.length - rejected} orders not CONFIRMED within ${deps.timeoutSeconds} s` : '',
  ].filter(Boolean);
  const ms = (v: number | undefined) => (v === undefined ? null : round(v, 1));
  const result: SagaResult = {
    orders: deps.orders,
    clients: deps.clients,
    confirmed: confirmedIds.length,
    rejected,
    refused,
    refusedStatuses,
    firstRefusal,
    ordersPerSecond: problems.length ? null : Math.round(deps.orders / elapsedSeconds),
    elapsedSeconds: round(elapsedSeconds, 2),
    confirmedPerSecond: Math.round(confirmedIds.length / elapsedSeconds),
    postP50Ms: ms(percentile(postLatencies, 50)),
    postP99Ms: ms(percentile(postLatencies, 99)),
    confirmP50Ms: ms(
      percentile(
        confirmLatencies.map((v) => Math.max(0, v)),
        50,
      ),
    ),
    confirmP99Ms: ms(
      percentile(
        confirmLatencies.map((v) => Math.max(0, v)),
        99,
      ),
    ),
    confirmedBeforeAnswer: confirmLatencies.filter((v) => v < 0).length,
    otherCpuPercent,
    failure: problems.length ? problems.join('; ') : undefined,
  };
  log(
    result.failure
      ? `saga: FAILED — ${result.failure}; ${result.confirmed} confirmed in ${result.elapsedSeconds} s`
      : `saga: ${result.ordersPerSecond} orders/s; POST p50 ${result.postP50Ms} ms p99 ${result.postP99Ms} ms; placed→CONFIRMED p50 ${result.confirmP50Ms} ms p99 ${result.confirmP99Ms} ms`,
  );
  return result;
}
