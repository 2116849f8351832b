import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadResult } from './load.ts';
import type { SagaResult } from './saga.ts';
import { machineLine } from './machine.ts';
import { round } from './stats.ts';
import { measured, type BenchResults, type NotMeasured } from './results.ts';

export type Status = 'PASS' | 'MISS' | 'FAILED' | 'SKIPPED';

export interface TargetRow {
  measurement: string;
  result: string;
  target: string;
  status: Status;
}

const GiB_MiB = 1024;

/** Each target of the brief against what was measured. */
export function targetRows(r: BenchResults): TargetRow[] {
  const gateway = measured(r.gatewayPath);
  const half = gateway?.rows.find((row) => row.id === 'c-half');
  const paced = gateway?.rows.find((row) => row.id === 'c-paced');
  const tracing = measured(r.tracing);
  const saga = measured(r.saga);
  const sagaPaced = measured(r.sagaPaced);
  const startup = measured(r.startup);
  const check = (ok: boolean): Status => (ok ? 'PASS' : 'MISS');
  // The whole story is in the sections below; here the first clause of why is enough.
  const brief = (why: string) => why.replace(/\s*\(.*$/, '').slice(0, 120);
  const row = (
    measurement: string,
    target: string,
    value: number | null | undefined,
    unit: string,
    ok: (v: number) => boolean,
    why?: string,
    skipped = false,
  ): TargetRow =>
    value === null || value === undefined
      ? { measurement, target, result: why ? brief(why) : 'not measured', status: skipped ? 'SKIPPED' : 'FAILED' }
      : { measurement, target, result: `${value} ${unit}`, status: check(ok(value)) };
  const cOverD = gateway?.ratios['c/d'];
  // Both ways of loading at half the peak rate answer to the same target, as do both telemetry costs.
  const p99AtHalfRate = (how: string, p99Ms: number | null | undefined, run: typeof half) =>
    row(
      `p99 of (c) at half its peak rate (${how})`,
      '< 10 ms',
      p99Ms,
      'ms',
      (v) => v < 10,
      run?.skipped ?? run?.result?.failure ?? notMeasuredWhy(r.gatewayPath),
    );
  const throughputLostTo = (what: string, target: string, dropPercent: number | null | undefined, runs: LoadResult[] | undefined) =>
    row(
      `Throughput lost to ${what}`,
      target,
      dropPercent,
      '%',
      (v) => v < 20,
      runs ? runs.flatMap((run) => (run.failure ? [`${run.title}: ${run.failure}`] : [])).join('; ') : notMeasuredWhy(r.tracing),
    );
  const sagaWhy = saga?.failure ?? notMeasuredWhy(r.saga);
  const router = measured(r.partitions.router);
  const blast = measured(r.partitions.blastRadius);
  const blastWhy = notMeasuredWhy(r.partitions.blastRadius);
  const upDuring = blast?.during.find((p) => p.partition === blast.up);
  const downDuring = blast?.during.find((p) => p.partition === blast.down);
  const rows = [
    row(
      '(c) against nginx two hops (d), 64 connections',
      '≥ 35 % of (d)',
      cOverD === null || cOverD === undefined ? undefined : Math.round(cOverD * 1000) / 10,
      '%',
      (v) => v >= 35,
      notMeasuredWhy(r.gatewayPath),
    ),
    ...['gateway-global', 'products/gateway', 'products/browse'].map((name) =>
      row(
        `Read path (c): ${name}'s CPU per request against a bare node:http server's, same run`,
        '≤ 2.5× the floor',
        gateway?.readPathCpu?.hops.find((hop) => hop.name === name)?.timesFloor,
        '×',
        (v) => v <= 2.5,
        gateway ? 'not measured: (c) or the floor FAILED' : notMeasuredWhy(r.gatewayPath),
      ),
    ),
    p99AtHalfRate('autocannon overallRate', gateway?.halfRateP99Ms, half),
    p99AtHalfRate('evenly paced', gateway?.pacedHalfRateP99Ms, paced),
    throughputLostTo('tracing (c), 100 % sampled, OTLP/HTTP', '< 20 %', tracing?.dropPercent, tracing && [...tracing.off, ...tracing.on]),
    throughputLostTo(
      'all telemetry (c): metrics, trace context, 100 % of spans',
      '< 20 % (as tracing)',
      tracing?.telemetryDropPercent,
      tracing && [tracing.disabled, ...tracing.on],
    ),
    row('Saga throughput (all CONFIRMED)', '≥ 300 orders/s', saga?.ordersPerSecond, 'orders/s', (v) => v >= 300, sagaWhy),
    row(
      `Saga p99 placed → CONFIRMED (pushed) at ${r.config.sagaRate} orders/s offered (open loop)`,
      '< 250 ms',
      sagaPaced && !sagaPaced.failure ? sagaPaced.confirmP99Ms : null,
      'ms',
      (v) => v < 250,
      sagaPaced?.failure ?? notMeasuredWhy(r.sagaPaced),
      !r.config.sagaRate,
    ),
    row(
      'Saga CPU per order, all processes + nats-server',
      '≤ 5 ms',
      saga && !saga.failure ? saga.cpuMsPerOrderTotal : null,
      'ms',
      (v) => v <= 5,
      sagaWhy,
    ),
    row('RSS of all processes at idle', '< 1 GiB', r.memory.idle?.totalMiB, 'MiB', (v) => v < GiB_MiB, 'not measured'),
    row(
      'PSS of all processes at idle (2 orders partitions)',
      '< 500 MiB',
      r.memory.idle?.totalPssMiB,
      'MiB',
      (v) => v < 500,
      'not measured',
    ),
    row(
      'Cell router: p50 it adds to the gateway path, against (c)',
      '≤ 10 %',
      router?.routerP50PercentOfC,
      '%',
      (v) => v <= 10,
      notMeasuredWhy(r.partitions.router) ?? 'needs (b) and (c)',
    ),
    row(
      'Cell router: throughput it costs on top of gateway-global’s hop',
      '≤ 10 %',
      router?.routerThroughputLossPercent,
      '%',
      (v) => v <= 10,
      notMeasuredWhy(r.partitions.router) ?? 'needs (b) and (c)',
    ),
    row(
      'Blast radius: orders of the other partition that succeed while one is down',
      '100 %',
      upDuring?.attempts ? round((100 * upDuring.succeeded) / upDuring.attempts, 2) : undefined,
      '%',
      (v) => v === 100,
      blastWhy,
    ),
    row(
      'Blast radius: the down partition’s customers refused (503 naming it), p99',
      '< 100 ms',
      downDuring?.refused === downDuring?.attempts ? downDuring?.p99Ms : undefined,
      'ms',
      (v) => v < 100,
      blastWhy ?? `${downDuring?.other} answers other than the 503`,
    ),
    row('Blast radius: accepted orders lost or doubled', '0', blast ? blast.lost + blast.doubled : undefined, '', (v) => v === 0, blastWhy),
    row(
      'Start-up: npm start → ready line',
      '< 10 s',
      startup?.seconds,
      's',
      (v) => v < 10,
      startup?.skipped ?? startup?.failure ?? notMeasuredWhy(r.startup),
      Boolean(startup?.skipped),
    ),
  ];
  return rows;
}

const notMeasuredWhy = (part: object): string | undefined =>
  'notMeasured' in part ? `not measured: ${String(part.notMeasured)}` : undefined;

/** Starts a section with its heading and, for a part that was not measured, why; returns the part when it was. */
function openSection<T extends object>(out: string[], heading: string, part: T | NotMeasured): T | undefined {
  out.push(heading, '');
  const result = measured(part);
  if (!result) out.push(`${notMeasuredWhy(part) ?? 'not measured'}.`, '');
  return result;
}

const num = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits });
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

const loadCells = (l: LoadResult | undefined, skipped?: string): string[] =>
  l
    ? [
        l.requestsPerSecond === null ? 'FAILED' : num(l.requestsPerSecond),
        num(l.p50Ms, 2),
        num(l.p99Ms, 2),
        num(l.non2xx),
        num(l.errors),
        num(l.otherCpuPercent, 1),
        l.failure ? `FAILED: ${l.failure}` : 'ok',
      ]
    : ['—', '—', '—', '—', '—', '—', `SKIPPED: ${skipped ?? 'not run'}`];

export function toMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const c = r.config;
  out.push('# Benchmark results', '');
  out.push(`Run ${r.startedAt} (${Math.round(r.elapsedSeconds)} s) with \`npm run bench\`.`, '');
  out.push(
    `**Machine:** ${machineLine(r.machine)}; other processes used ${num(r.otherCpuPercentAtStart, 1)} % of its CPU just before the bench.`,
    '',
  );
  out.push(
    `**Settings:** HTTP runs ${c.connections} connections, ${c.warmupSeconds} s warm-up then ${c.durationSeconds} s measured (autocannon, in the bench process on the same machine); ` +
      `saga ${c.orders} orders from ${c.clients} clients. System under test: every process on free ports with a private nats-server, fresh data, ` +
      `${Object.entries(r.systemEnv)
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(', ')}.`,
    '',
  );

  out.push('## Targets', '');
  out.push(
    table(
      ['Measurement', 'Result', 'Target', 'Status'],
      targetRows(r).map((t) => [t.measurement, t.result, t.target, `**${t.status}**`]),
    ),
    '',
  );

  const gateway = openSection(out, '## Gateway path: `GET /api/products/<sku>` (product detail, small JSON)', r.gatewayPath);
  if (gateway) {
    out.push(
      table(
        ['Row', 'Path', 'req/s (2xx)', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'other CPU %', 'Result'],
        gateway.rows.map((row) => [row.id, row.label, ...loadCells(row.result, row.skipped)]),
      ),
      '',
    );
    const ratio = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}×`);
    out.push(
      table(
        ['Ratio', 'Throughput', 'Meaning'],
        [
          ['(b)/(a)', ratio(gateway.ratios['b/a']), 'what the cell gateway hop keeps of the direct rate'],
          ['(c)/(a)', ratio(gateway.ratios['c/a']), 'what both gateway hops keep of the direct rate'],
          ['(c)/(d)', ratio(gateway.ratios['c/d']), 'the two Node gateways against nginx as two plain proxy hops'],
        ],
      ),
      '',
    );
    const cpu = gateway.readPathCpu;
    if (cpu)
      out.push(
        `CPU per request on (c), by process (user + system time from /proc over the measured run, ÷ 2xx answers), against a bare \`node:http\` server answering the same bytes (the floor, measured right after (c)): **${num(cpu.floorUs, 1)} µs**.`,
        '',
        `A bare undici proxy in front of that server, the least a Node hop that forwards can spend: **${cpu.proxyUs === null ? 'FAILED' : `${num(cpu.proxyUs, 1)} µs`}**.`,
        '',
        table(
          ['Process', 'µs per request', '× the floor', '× the bare proxy'],
          cpu.hops.map((hop) => [
            hop.name,
            num(hop.us, 1),
            `${hop.timesFloor.toFixed(2)}×`,
            cpu.proxyUs === null || hop.name.endsWith('browse') ? '–' : `${(hop.us / cpu.proxyUs).toFixed(2)}×`,
          ]),
        ),
        '',
      );
  }

  const tracing = openSection(out, '## Cost of tracing on the gateway path (c)', r.tracing);
  if (tracing) {
    out.push(
      table(
        ['Run', 'req/s (2xx)', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'other CPU %', 'Result'],
        [
          ['telemetry disabled (`OTEL_SDK_DISABLED=true`)', ...loadCells(tracing.disabled)],
          ...tracing.off.flatMap((off, i) => [
            [`tracing off, run ${i + 1} (telemetry exported, \`always_off\`: metrics and trace context only)`, ...loadCells(off)],
            [`tracing on, run ${i + 1} (\`always_on\`, OTLP/HTTP protobuf to a sink)`, ...loadCells(tracing.on[i])],
          ]),
        ],
      ),
      '',
      `Throughput lost to tracing (the mean of the on runs against the mean of the off runs): **${num(tracing.dropPercent, 1)} %**; to all of telemetry (on against disabled): **${num(tracing.telemetryDropPercent, 1)} %**. The sink received ${num(tracing.exported.spans)} spans in ${num(tracing.exported.traceExports)} exports ` +
        `and ${num(tracing.exported.metricExports)} metric exports (${num(tracing.exported.mebibytes, 1)} MiB in all) during the measured on runs, ≈ ${num(tracing.exported.spansPerRequest, 2)} spans per request.`,
      '',
    );
  }

  sagaSection(out, '## Order saga: `POST /api/orders` → CONFIRMED', r.saga);
  sagaSection(out, `## Order saga offered at a steady ${r.config.sagaRate} orders/s (open loop)`, r.sagaPaced);

  out.push('## Instances and discovery', '');
  const discovery = measured(r.discovery.gatewayPath);
  const two = measured(r.discovery.sagaTwoCheckouts);
  const one = measured(r.saga);
  const mean = (runs: { requestsPerSecond: number | null }[]) =>
    runs.every((x) => x.requestsPerSecond) ? runs.reduce((sum, x) => sum + x.requestsPerSecond!, 0) / runs.length : null;
  out.push(
    table(
      ['Figure', 'Value'],
      [
        [
          '(c) with `DISCOVERY=static` / with the registry (mean of 2 runs each, alternating)',
          discovery
            ? `${num(mean(discovery.static))} / ${num(mean(discovery.registry))} req/s`
            : (notMeasuredWhy(r.discovery.gatewayPath) ?? '—'),
        ],
        ['Throughput lost to the registry and balancing', discovery ? `${num(discovery.costPercent, 1)} %` : '—'],
        [
          'Saga with 1 / 2 checkout instances per partition',
          `${one?.ordersPerSecond == null ? (one?.failure ?? notMeasuredWhy(r.saga)) : `${num(one.ordersPerSecond)} orders/s`} / ${
            two?.ordersPerSecond == null
              ? (two?.failure ?? notMeasuredWhy(r.discovery.sagaTwoCheckouts))
              : `${num(two.ordersPerSecond)} orders/s`
          }`,
        ],
        [
          'p99 201 → CONFIRMED with 1 / 2 checkout instances',
          `${num(one?.confirmP99Ms ?? null, 1)} / ${num(two?.confirmP99Ms ?? null, 1)} ms`,
        ],
      ],
    ),
    '',
  );

  const cluster = measured(r.natsCluster);
  out.push('## NATS as a 3-node JetStream cluster (streams with 3 replicas)', '');
  if (!cluster) out.push(`Not measured: ${notMeasuredWhy(r.natsCluster)}.`, '');
  else {
    const perSecond = (x: SagaResult | undefined) =>
      x?.ordersPerSecond == null ? (x?.failure ?? '—') : `${num(x.ordersPerSecond)} orders/s`;
    const natsCpu = (x: SagaResult | undefined) =>
      x ? Object.entries(x.cpuMsPerOrder).reduce((sum, [name, ms]) => (name.startsWith('nats-server') ? sum + ms : sum), 0) : null;
    out.push(
      `The same closed-loop saga (${num(cluster.orders)} orders, ${num(cluster.clients)} clients) on a second system started after the first one stopped, whose bus is three nats-servers routing to each other: every publish is stored on two of the three before it is acknowledged.`,
      '',
      table(
        ['Figure', 'one node', '3-node cluster'],
        [
          ['Saga throughput', perSecond(one), perSecond(cluster)],
          [
            '201 → CONFIRMED p50 / p99',
            `${num(one?.confirmP50Ms ?? null)} / ${num(one?.confirmP99Ms ?? null)} ms`,
            `${num(cluster.confirmP50Ms)} / ${num(cluster.confirmP99Ms)} ms`,
          ],
          ['CPU per order, all processes', `${num(one?.cpuMsPerOrderTotal ?? null, 2)} ms`, `${num(cluster.cpuMsPerOrderTotal, 2)} ms`],
          ['… of which nats-server (every node)', `${num(natsCpu(one), 2)} ms`, `${num(natsCpu(cluster), 2)} ms`],
          ['POSTs refused', num(one?.refused ?? null), num(cluster.refused)],
        ],
      ),
      '',
    );
  }

  out.push('## The partitioned orders cell', '');
  const router = measured(r.partitions.router);
  if (!router) out.push(`Cell router: ${notMeasuredWhy(r.partitions.router)}.`, '');
  else
    out.push(
      table(
        ['Row', 'Path', 'req/s (2xx)', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'other CPU %', 'Result'],
        [
          [
            'r',
            `gateway-global → cell router → ${router.partition} gateway → orders, \`GET /api/orders/<id>\``,
            ...loadCells(router.routed),
          ],
          ['s', `${router.partition} gateway → orders directly, \`GET /orders/<id>\``, ...loadCells(router.direct)],
        ],
      ),
      '',
      `gateway-global's hop on the orders path, router included ((r) − (s)): p50 ${num(router.routedHopP50Ms, 2)} ms, p99 ${num(router.routedHopP99Ms, 2)} ms; ` +
        `on the products path, no router ((c) − (b)): p50 ${num(router.plainHopP50Ms, 2)} ms, p99 ${num(router.plainHopP99Ms, 2)} ms. ` +
        `The router's share: **${num(router.routerP50Ms, 2)} ms of p50 (${num(router.routerP50PercentOfC, 1)} % of (c)'s)**, and ${num(router.routerThroughputLossPercent, 1)} % of throughput beyond what gateway-global's hop keeps on the products path.`,
      '',
    );
  const blast = measured(r.partitions.blastRadius);
  if (!blast) out.push(`Blast radius: ${notMeasuredWhy(r.partitions.blastRadius)}.`, '');
  else
    out.push(
      `Every process of **${blast.down}** stopped for ${num(blast.outageSeconds, 1)} s while customers of both partitions ordered continuously:`,
      '',
      table(
        ['Partition', 'Customers', 'Orders during the outage', '201', '503 naming it', 'other', 'p50 ms', 'p99 ms', 'max ms'],
        blast.during.map((p) => [
          `${p.partition}${p.partition === blast.down ? ' (down)' : ''}`,
          num(p.customers),
          num(p.attempts),
          num(p.succeeded),
          num(p.refused),
          num(p.other),
          num(p.p50Ms, 1),
          num(p.p99Ms, 1),
          num(p.maxMs, 1),
        ]),
      ),
      '',
      `${blast.down}'s customers ordered again ${num(blast.recoveredAfterMs)} ms after its processes were started again; accepted orders lost: ${blast.lost}, doubled: ${blast.doubled}.`,
      '',
    );

  const drain = r.partitions.drain && measured(r.partitions.drain);
  if (!drain) out.push(`Drain: ${r.partitions.drain ? notMeasuredWhy(r.partitions.drain) : 'not run'}.`, '');
  else
    out.push(
      `**${drain.partition} drained** of ${num(drain.customers)} customers (each with an order) into ${drain.to}, ${drain.concurrency} moves at once, ` +
        `while ${drain.load.customers} of them ordered ${drain.load.ordersPerSecond}/s:`,
      '',
      table(
        [
          'Time to drain',
          'Moves',
          'Pause per customer p50 / p99 / max (freeze → flip)',
          'Orders during it',
          'Failed',
          'Paused writes',
          'Client pause p99 / max',
          'Lost / doubled',
        ],
        [
          [
            `${num(drain.drainSeconds, 1)} s`,
            Object.entries(drain.moves)
              .map(([state, n]) => `${n} ${state}`)
              .join(', '),
            `${num(drain.pauseP50Ms)} / ${num(drain.pauseP99Ms)} / ${num(drain.pauseMaxMs)} ms`,
            num(drain.load.attempted),
            num(drain.load.failed),
            num(drain.load.paused),
            `${num(drain.load.clientPauseP99Ms)} / ${num(drain.load.clientPauseMaxMs)} ms`,
            `${drain.load.lost} / ${drain.load.doubled}`,
          ],
        ],
      ),
      '',
      'The client pause is what a customer ordering at that moment waited: from the first 503 with Retry-After to the answer, retried after the Retry-After (1 s) as the storefront does.',
      '',
    );

  out.push('## Memory: RSS per process (MiB)', '');
  const { idle, afterSaga, quietAfterSaga } = r.memory;
  if (!idle) out.push('Not measured.', '');
  else {
    const names = Object.keys(idle.rssMiB);
    const samples = [idle, afterSaga, quietAfterSaga];
    out.push(
      table(
        ['Process', 'Idle', 'After the saga', 'Quiet again'],
        [
          ...names.map((n) => [n, ...samples.map((m) => num(m?.rssMiB[n], 1))]),
          ['**Total**', ...samples.map((m) => `**${num(m?.totalMiB, 1)}**`)],
          ['Total PSS (shared pages counted once)', ...samples.map((m) => num(m?.totalPssMiB, 1))],
        ],
      ),
      '',
    );
  }

  const startup = openSection(out, '## Start-up: `npm start` → ready line', r.startup);
  if (startup?.skipped) out.push(`SKIPPED: ${startup.skipped}.`, '');
  else if (startup?.failure) out.push(`FAILED: ${startup.failure}.`, '');
  else if (startup)
    out.push(
      `**${num(startup.seconds, 2)} s** from launching \`node compose/src/start.ts\` (fresh temp data directory) to its ready line ` +
        `(it reports ${startup.selfReportedSeconds} s, counted from after its own port checks); stopped with SIGTERM ${startup.stoppedCleanly ? 'cleanly (exit 0)' : '**not cleanly**'}. ` +
        `Other processes used ${num(startup.otherCpuPercent, 1)} % of the machine meanwhile.`,
      '',
    );

  out.push('## Notes', '', ...r.notes.map((n) => `* ${n}`), '');
  return out.join('\n');
}

/** latest.md, latest.json and `<timestamp>.json` in `dir`. */
export function writeResults(r: BenchResults, dir: string): { markdown: string; files: string[] } {
  mkdirSync(dir, { recursive: true });
  const markdown = toMarkdown(r);
  const json = `${JSON.stringify({ ...r, targets: targetRows(r) }, null, 2)}\n`;
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const files = [join(dir, 'latest.md'), join(dir, 'latest.json'), join(dir, `${stamp}.json`)];
  writeFileSync(files[0]!, markdown);
  writeFileSync(files[1]!, json);
  writeFileSync(files[2]!, json);
  return { markdown, files };
}

/** One saga run's figures and its CPU per order by process. */
function sagaSection(out: string[], title: string, part: SagaResult | NotMeasured) {
  const saga = openSection(out, title, part);
  if (saga) {
    out.push(
      table(
        ['Figure', 'Value'],
        [
          saga.offeredPerSecond
            ? [
                'Orders / offered',
                `${saga.orders} / one every ${num(1000 / saga.offeredPerSecond, 1)} ms (${num(saga.offeredPerSecond)}/s), whatever the answers`,
              ]
            : ['Orders / concurrent clients', `${saga.orders} / ${saga.clients}`],
          [
            'Throughput (orders ÷ first POST → last CONFIRMED)',
            saga.ordersPerSecond === null ? `FAILED: ${saga.failure}` : `${num(saga.ordersPerSecond)} orders/s`,
          ],
          ['First POST → last CONFIRMED', `${num(saga.elapsedSeconds, 2)} s`],
          ...(saga.failure
            ? [['Confirmed per second (observed; not a result, the run FAILED)', `${num(saga.confirmedPerSecond)} orders/s`]]
            : []),
          ['POST latency p50 / p99 (every POST)', `${num(saga.postP50Ms, 1)} / ${num(saga.postP99Ms, 1)} ms`],
          ['201 → CONFIRMED pushed on the customer’s stream p50 / p99', `${num(saga.confirmP50Ms, 1)} / ${num(saga.confirmP99Ms, 1)} ms`],
          ['CPU per order, all processes + nats-server', `${num(saga.cpuMsPerOrderTotal, 2)} ms`],
          ['Confirmed / rejected / refused POSTs', `${saga.confirmed} / ${saga.rejected} / ${saga.refused}`],
          ...(saga.firstRefusal ? [['First refusal', saga.firstRefusal]] : []),
          ...(saga.warnings?.length
            ? [['What the processes warned of meanwhile (last 3 each)', saga.warnings.join('<br>').replaceAll('|', '\\|')]]
            : []),
          ["Other processes' CPU during the run", `${num(saga.otherCpuPercent, 1)} % of the machine`],
        ],
      ),
      '',
      'CPU per confirmed order by process (ms; from the first POST until 2 s after the last order settled, less each process’s idle use; `bench` is the load generator, not in the total):',
      '',
      table(
        ['Process', 'CPU per order'],
        Object.entries(saga.cpuMsPerOrder ?? {})
          .sort(([, a], [, b]) => b - a)
          .map(([name, ms]) => [name, `${num(ms, 2)} ms`]),
      ),
      '',
    );
  }
}
