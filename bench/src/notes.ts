import { measured, type BenchResults } from './results.ts';

/** Runs during which processes outside the bench used over 10 % of the machine. */
function busyRuns(r: BenchResults): string[] {
  const out: string[] = [];
  const mark = (name: string, percent: number | undefined) => {
    if (percent !== undefined && percent > 10) out.push(`${name} (${percent} %)`);
  };
  mark('before the start', r.otherCpuPercentAtStart);
  for (const row of measured(r.gatewayPath)?.rows ?? []) mark(`(${row.id})`, row.result?.otherCpuPercent);
  const tracing = measured(r.tracing);
  mark('telemetry disabled', tracing?.disabled.otherCpuPercent);
  for (const run of [...(tracing?.off ?? []), ...(tracing?.on ?? [])]) mark(run.title, run.otherCpuPercent);
  mark('saga', measured(r.saga)?.otherCpuPercent);
  mark('saga at a steady rate', measured(r.sagaPaced)?.otherCpuPercent);
  mark('start-up', measured(r.startup)?.otherCpuPercent);
  return out;
}

/** How to read the figures: what was measured how, and what on this machine may skew it. */
export function benchNotes(r: BenchResults): string[] {
  const notes = [
    "Rate limits: the system under test runs with `RATE_LIMIT_PER_SECOND=0`, which turns gateway-global's per-client limiter off; with the default (50/s, burst 100) almost every request of a load run would be a 429. Any non-2xx answer, a 429 included, or any error makes a run FAILED rather than throughput.",
    'Telemetry: every process runs with the defaults of `npm start` (W3C trace context propagated, Prometheus metrics, spans neither recorded nor exported without an OTLP endpoint) except in the tracing rows, where products/browse, the products gateway and gateway-global are restarted from the same plan before each run, in three set-ups — with the SDK disabled; exporting to a sink inside the bench that counts and discards what arrives, with no span sampled (`OTEL_TRACES_SAMPLER=always_off`); and exporting 100 % of spans (`always_on`, OTLP/HTTP protobuf), the last two three times each, alternating. They differ only in tracing, which is what the tracing target compares; the first and last in everything telemetry does, reported beside it. With the SDK on, each process runs whatever shared/telemetry turns on when an OTLP endpoint is set (spans, and metrics where it configures them), as it would in production. The batch span processor has its defaults (queue 2048, batches of 512, every 5 s), so spans per request shows how many arrived.',
    `The load generator (autocannon, ${r.config.connections} connections, HTTP/1.1 keep-alive) and the saga clients run in the bench's own Node process on the same ${r.machine.cores} cores as the system under test, so every figure is for generator + system sharing the CPU.`,
    "(a) and (d) carry a workload token of the products cell (`POST /internal/token` on the products gateway, as a component gets one): an internal token with the gateway's keys, issuer and audience, which browse verifies like the ones the gateway forwards. (b) and (c) carry alice's JWT from the token service, as clients do; the cell gateway verifies it and swaps it for an internal token.",
    '(d) is nginx as a plain reverse proxy, two instances (one per hop, `worker_processes 1` each, as each Node gateway is one single-threaded process): hop 1 strips `/api` like gateway-global and passes on to hop 2, which passes on to browse; upstreams with `keepalive 64`, `proxy_http_version 1.1` and an empty `Connection` header, access log off. nginx checks no token.',
    'Half-rate rows: (c) at half the peak rate (c) reached, twice. `c-half` is autocannon with `overallRate` as asked: it gives each of the connections a quota per second, which it spends back to back from the start of each second, so the load comes in bursts at full concurrency and its p99 is close to the saturated one. `c-paced` sends the same rate evenly spaced (open loop, latency counted from when each request was due, up to the same number of connections): the steady load that rate means.',
    'Saga: orders of one unit of one product stocked for all of them, alternately as alice and bob, each with its own `Idempotency-Key`. POST latency is client-side; placed → CONFIRMED runs from the 201 reaching the client to the order’s CONFIRMED reaching that customer’s stream of pushed changes (`GET /api/orders/events` through gateway-global and the partition’s gateway, opened before the first POST), so it is the asynchronous part of the saga as a client sees it. CPU per order is each process’s user + system time from /proc over the run (10 ms ticks) less what the process spends in as long when idle (measured over 3 s before the first POST), divided by the confirmed orders; it includes what runs after an order’s CONFIRMED (its shipment) up to 2 s after the last.',
    "Memory is VmRSS from /proc/<pid>/status of every Node process and nats-server of the system (not the bench, not nginx): at idle after start-up settled, right after the last order was CONFIRMED, and once the system is quiet again after the saga (each process gives memory back when its event loop has been idle for a few seconds: shared/kernel/src/idle-memory.ts). Each process runs its bundle (`dist/main.mjs`) with the telemetry defaults, as `npm start` runs it. RSS counts every page a process maps, so the node binary's code pages (~45 MiB of each Node process's RSS, shared by all of them) are counted once per process; the total PSS below the table counts each shared page once, divided among the processes that map it.",
    "Start-up runs `node compose/src/start.ts` (what `npm start` runs, without npm's own start-up) with a fresh temporary data directory, so it includes a first start's key generation and migrations; it is stopped with SIGTERM.",
  ];
  notes.push(
    "\"other CPU %\" is the share of the whole machine's CPU (all cores = 100 %) that processes outside the bench's own process tree (the bench, the system under test, nginx, npm start) used during a measured run, from /proc: anything above a few percent means someone else's work skewed that figure.",
  );
  const busy = busyRuns(r);
  if (busy.length)
    notes.push(
      `**Other work on the machine skewed these runs** (other CPU over 10 %): ${busy.join(', ')}. Run again on a quiet machine before comparing them.`,
    );
  const saga = measured(r.saga);
  if (saga && saga.confirmedBeforeAnswer > 0)
    notes.push(`${saga.confirmedBeforeAnswer} confirmations reached the bench before their 201 did; they count as 0 ms.`);
  return notes;
}
