import type { ApiResponse, Schemas } from '../../e2e/src/client.ts';
import { sseReader, type SseReader } from '@retail/testing';
import { cpuSpentBy, watchCpu } from './cpu-watch.ts';
import type { Log } from './log.ts';
import { percentile, round } from './stats.ts';

export interface SagaDeps {
  /** POST /api/orders through gateway-global, as a customer. */
  placeOrder(token: string, lines: { sku: string; quantity: number }[], idempotencyKey: string): Promise<ApiResponse<Schemas['Order']>>;
  /** Customers' tokens; client k places its orders with token k mod n. */
  customers: string[];
  /** A product with at least `orders` units available. */
  sku: string;
  /** gateway-global: each customer follows their orders on its `GET /api/orders/events`. */
  url: string;
  /** The system's processes and nats-server, whose CPU per order is measured. */
  processes: readonly { name: string; pid?: number }[];
  orders: number;
  /** Closed loop: this many clients, each placing its next order when its last was answered. */
  clients: number;
  /**
   * Open loop instead: one order every 1/rate s whatever the answers (as many in flight as that takes), so
   * the latency is that of a system offered this rate, not of one kept saturated.
   */
  ratePerSecond?: number;
  timeoutSeconds: number;
}

export interface SagaResult {
  orders: number;
  clients: number;
  /** Orders per second offered by an open-loop run; null for a closed-loop one. */
  offeredPerSecond: number | null;
  confirmed: number;
  rejected: number;
  /** POSTs answered with anything but 201. */
  refused: number;
  refusedStatuses: Record<string, number>;
  /** What the first refused POST said (its problem+json detail). */
  firstRefusal?: string;
  /** When the run FAILED: the last warnings and errors each process logged during it (set by the caller, who has their output). */
  warnings?: string[];
  /** orders / (first POST → last CONFIRMED pushed); null when the run FAILED. */
  ordersPerSecond: number | null;
  elapsedSeconds: number;
  /** Confirmed orders per second over the same span, whether or not the run FAILED: what the system managed. */
  confirmedPerSecond: number;
  /** Over every POST, refused ones included: what the clients waited. */
  postP50Ms: number | null;
  postP99Ms: number | null;
  /** From the 201 reaching the client to the order's CONFIRMED reaching it on its stream (GET /api/orders/events). */
  confirmP50Ms: number | null;
  confirmP99Ms: number | null;
  /** Confirmations that arrived before their 201 (counted as 0 ms). */
  confirmedBeforeAnswer: number;
  /** CPU used by other processes on the machine during the run, in % of all cores. */
  otherCpuPercent: number;
  /**
   * ms of CPU per confirmed order, by process (nats-server and `bench`, the load generator, included),
   * from the first POST until shortly after the last order settled, less what the process spends idle.
   */
  cpuMsPerOrder: Record<string, number>;
  /** The sum over the system's processes and nats-server (the bench's own left out). */
  cpuMsPerOrderTotal: number | null;
  failure?: string;
}

/**
 * N orders from C concurrent clients through gateway-global, timed until every one is CONFIRMED. Each
 * customer follows their orders as a client does, on their stream of pushed changes (`GET
 * /api/orders/events` through both gateways), opened before the first order: no polling.
 */
export async function runSaga(deps: SagaDeps, log: Log): Promise<SagaResult> {
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
  const onOrder = (order: { id: string; status: string }) => {
    const at = performance.now();
    if (order.status === 'CONFIRMED' && !confirmedAt.has(order.id)) confirmedAt.set(order.id, at);
    else if (order.status === 'REJECTED') rejectedIds.add(order.id);
    else return;
    if (placedAt.has(order.id)) checkDone();
  };
  const streams = await Promise.all([...new Set(deps.customers)].map((token) => followOrders(deps.url, token, onOrder)));

  const run = `bench-${process.pid}-${Date.now().toString(36)}`;
  const postLatencies: number[] = [];
  const refusedStatuses: Record<string, number> = {};
  let firstRefusal: string | undefined;
  let next = 0;
  const rate = deps.ratePerSecond;
  log(
    rate
      ? `saga: ${deps.orders} orders offered at ${rate}/s (open loop)`
      : `saga: ${deps.orders} orders from ${deps.clients} concurrent clients`,
  );
  const spent = await cpuSpentBy(deps.processes);
  const cpu = watchCpu();
  const started = performance.now();
  const progress = setInterval(() => log(`saga: ${placedAt.size} placed, ${confirmedAt.size} confirmed`), 5_000);
  const placeOne = async (token: string, i: number) => {
    const sent = performance.now();
    const res: Partial<ApiResponse<Schemas['Order']>> & { status: number; network?: string } = await deps
      .placeOrder(token, [{ sku: deps.sku, quantity: 1 }], `${run}-${i}`)
      .catch((error: Error) => ({ status: 0, network: error.message }));
    const answered = performance.now();
    postLatencies.push(answered - sent);
    if (res.status === 201 && typeof res.body?.id === 'string') placedAt.set(res.body.id, answered);
    else {
      const status = res.status || 'network error';
      refusedStatuses[status] = (refusedStatuses[status] ?? 0) + 1;
      firstRefusal ??= `${status}: ${res.network ?? res.problem?.detail ?? res.problem?.title ?? JSON.stringify(res.body)}`;
    }
  };
  const tokenOf = (k: number) => deps.customers[k % deps.customers.length]!;
  if (rate) {
    // Each order at its due time from the start (no drift), whether or not the earlier ones were answered.
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < deps.orders; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(placeOne(tokenOf(i), i));
    }
    await Promise.all(inFlight);
  } else {
    const client = async (k: number) => {
      while (next < deps.orders) await placeOne(tokenOf(k), next++);
    };
    await Promise.all(Array.from({ length: Math.min(deps.clients, deps.orders) }, (_, k) => client(k)));
  }
  posting = false;
  checkDone();
  const timedOut = await Promise.race([
    settled.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), deps.timeoutSeconds * 1000).unref()),
  ]);
  clearInterval(progress);
  // What an order sets off after its CONFIRMED (the shipment, the stock's projections) is part of its cost.
  await new Promise((resolve) => setTimeout(resolve, AFTERMATH_MS));
  const otherCpuPercent = cpu.otherPercent();
  const cpuMs = spent();
  await Promise.all(streams.map((stream) => stream.close()));

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
    offeredPerSecond: rate ?? null,
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
    ...perOrder(cpuMs, confirmedIds.length),
    failure: problems.length ? problems.join('; ') : undefined,
  };
  log(
    result.failure
      ? `saga: FAILED — ${result.failure}; ${result.confirmed} confirmed in ${result.elapsedSeconds} s`
      : `saga: ${result.ordersPerSecond} orders/s; POST p50 ${result.postP50Ms} ms p99 ${result.postP99Ms} ms; placed→CONFIRMED p50 ${result.confirmP50Ms} ms p99 ${result.confirmP99Ms} ms`,
  );
  return result;
}

/** How long the CPU is still counted after the last order settled. */
const AFTERMATH_MS = 2_000;

/** CPU per confirmed order, by process and in all (the bench's own not in the total). */
function perOrder(cpuMs: Record<string, number>, orders: number): Pick<SagaResult, 'cpuMsPerOrder' | 'cpuMsPerOrderTotal'> {
  if (orders === 0) return { cpuMsPerOrder: {}, cpuMsPerOrderTotal: null };
  const cpuMsPerOrder = Object.fromEntries(Object.entries(cpuMs).map(([name, ms]) => [name, round(ms / orders, 2)]));
  const system = Object.entries(cpuMs).filter(([name]) => name !== 'bench');
  return { cpuMsPerOrder, cpuMsPerOrderTotal: round(system.reduce((sum, [, ms]) => sum + ms, 0) / orders, 2) };
}

/** A customer's stream of order changes, open and caught up (`ready`), each order event handed to `onOrder`. */
async function followOrders(url: string, token: string, onOrder: (order: { id: string; status: string }) => void): Promise<SseReader> {
  const res = await fetch(`${url}/api/orders/events`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200 || !res.body) throw new Error(`GET /api/orders/events answered ${res.status}: ${await res.text()}`);
  const reader = sseReader(res.body);
  await reader.next('ready', 10_000);
  void (async () => {
    for (;;) {
      const event = await reader.next('order', 24 * 3600_000).catch(() => undefined);
      if (!event) return; // closed
      onOrder(JSON.parse(event.data));
    }
  })();
  return reader;
}
