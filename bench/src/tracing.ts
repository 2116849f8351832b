import { BUNDLE, type ProcessPlan } from '@retail/system';
import { realProcess, type RealProcess } from '@retail/testing';
import type { BenchConfig } from './config.ts';
import { measureLoad, type LoadResult } from './load.ts';
import { onInterrupt } from './interrupts.ts';
import type { Log } from './log.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { round } from './stats.ts';

const isAlive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Off and on runs each. Two runs of (c) on freshly started processes differ by up to ~10 % on this
 * machine (JIT warm-up, where the scheduler puts the three processes and the load generator), so
 * the drop of one pair ranged from 12 % to 23 %; the mean of three pairs is a steadier figure.
 */
const ROUNDS = 3;

export interface TracingDeps {
  /** The processes a product detail request crosses, in start order (service, cell gateway, gateway-global). */
  onPath: { plan: ProcessPlan; running: RealProcess }[];
  /** Row (c)'s URL, through gateway-global. */
  url: string;
  userToken: string;
}

export interface TracingResult {
  /** No telemetry at all (OTEL_SDK_DISABLED=true). */
  disabled: LoadResult;
  /** Telemetry as exported in production (OTLP endpoint, metrics), no span sampled (always_off); three runs. */
  off: LoadResult[];
  /** The same with every span sampled and exported (always_on); three runs, alternating with `off`'s. */
  on: LoadResult[];
  /** Throughput lost to tracing: `on` against `off`, in %; null when a run FAILED. */
  dropPercent: number | null;
  /** Throughput lost to all of telemetry (metrics, context propagation, tracing): `on` against `disabled`. */
  telemetryDropPercent: number | null;
  /** What the OTLP sink received during the measured traced run. */
  exported: { traceExports: number; spans: number; spansPerRequest: number | null; metricExports: number; mebibytes: number };
}

/**
 * Row (c) in three set-ups, each run on freshly started copies of the processes on the path (same plan, same
 * data): with the OpenTelemetry SDK disabled; with telemetry exported to an OTLP sink in this process but
 * no span sampled (always_off: metrics and trace context as before); and with every span sampled and
 * exported (always_on, OTLP/HTTP protobuf, the protocol's default). The last two differ in tracing
 * alone; the first and last in everything telemetry does. Off and on run ROUNDS times each, alternating (off, on,
 * off, on, …), and are compared by their mean rates, so that a drift of the machine during the runs does not
 * land on one side only. All start equally cold. The original processes are back when it returns.
 */
export async function measureTracingCost(deps: TracingDeps, config: BenchConfig, log: Log): Promise<TracingResult> {
  const sink = await startOtlpSink();
  let current: RealProcess[] = deps.onPath.map((p) => p.running);
  const forget = onInterrupt(async () => {
    for (const proc of [...current].reverse()) await proc.stop();
  });
  const restartWith = async (env: Record<string, string>) => {
    for (const proc of [...current].reverse()) await proc.stop();
    current = deps.onPath.map(({ plan }) =>
      realProcess({
        name: plan.name,
        command: process.execPath,
        args: [BUNDLE],
        cwd: plan.dir,
        env: { ...plan.env, ...env },
        readyUrl: `${plan.url}/readyz`,
      }),
    );
    for (const proc of current) await proc.start();
  };
  // A FAILED run says whether a restarted process died, and its last words.
  const explain = (result: LoadResult) => {
    if (!result.failure) return;
    for (const proc of current) {
      if (isAlive(proc.pid())) continue;
      const words = proc.output().trim().split('\n').slice(-3).join(' | ').slice(-600);
      result.failure += `; ${proc.name} exited: ${words || 'no output'}`;
    }
  };
  const run = (title: string, beforeMeasure?: () => void) =>
    measureLoad(
      {
        title,
        url: deps.url,
        headers: () => ({ authorization: `Bearer ${deps.userToken}` }),
        connections: config.connections,
        warmupSeconds: config.warmupSeconds,
        durationSeconds: config.durationSeconds,
        beforeMeasure,
      },
      log,
    );
  try {
    log(`tracing: restarting ${deps.onPath.map((p) => p.plan.name).join(', ')} with OTEL_SDK_DISABLED=true`);
    await restartWith({ OTEL_SDK_DISABLED: 'true' });
    const disabled = await run('(c) telemetry disabled');
    explain(disabled);
    const exporting = (sampler: string) => ({
      OTEL_SDK_DISABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: sampler,
    });
    const off: LoadResult[] = [];
    const on: LoadResult[] = [];
    const counts = { traceExports: 0, spans: 0, metricExports: 0, bytes: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      log(`tracing: restarting them exporting to the OTLP sink at ${sink.url}, no span sampled (${round} of ${ROUNDS})`);
      await restartWith(exporting('always_off'));
      const untraced = await run(`(c) tracing off, run ${round}`);
      explain(untraced);
      off.push(untraced);
      log(`tracing: restarting them exporting every span (${round} of ${ROUNDS})`);
      await restartWith(exporting('always_on'));
      const traced = await run(`(c) tracing on, run ${round}`, () => sink.reset());
      const received = sink.counts();
      explain(traced);
      if (traced.requestsPerSecond && received.spans === 0) traced.failure = 'no spans reached the OTLP sink: tracing was not on';
      if (traced.failure) traced.requestsPerSecond = null;
      for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += received[key];
      on.push(traced);
    }
    const meanRate = (runs: LoadResult[]) =>
      runs.every((r) => r.requestsPerSecond) ? runs.reduce((sum, r) => sum + r.requestsPerSecond!, 0) / runs.length : null;
    const drop = (from: number | null) => {
      const traced = meanRate(on);
      return from && traced ? round((1 - traced / from) * 100, 1) : null;
    };
    const dropPercent = drop(meanRate(off));
    const telemetryDropPercent = drop(disabled.requestsPerSecond);
    log(
      `tracing: ${counts.spans} spans in ${counts.traceExports} exports during the measured runs; throughput drop ${dropPercent ?? '—'} % (all telemetry: ${telemetryDropPercent ?? '—'} %)`,
    );
    const tracedRequests = on.reduce((sum, r) => sum + r.ok2xx, 0);
    return {
      disabled,
      off,
      on,
      dropPercent,
      telemetryDropPercent,
      exported: {
        traceExports: counts.traceExports,
        spans: counts.spans,
        spansPerRequest: tracedRequests ? round(counts.spans / tracedRequests, 2) : null,
        metricExports: counts.metricExports,
        mebibytes: round(counts.bytes / 2 ** 20, 1),
      },
    };
  } finally {
    for (const proc of [...current].reverse()) await proc.stop();
    forget();
    for (const { running } of deps.onPath) await running.start();
    await sink.close();
  }
}
