import type { BenchConfig } from './config.ts';
import type { LoadResult } from './load.ts';
import type { Log } from './log.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { round } from './stats.ts';
import { meanRate, pathRestarter, rowRun, type OnPath } from './path-restart.ts';

/**
 * Off and on runs each. Two runs of (c) on freshly started processes differ by up to ~10 % on this
 * machine (JIT warm-up, where the scheduler puts the three processes and the load generator), so
 * the drop of one pair ranged from 12 % to 23 %; the mean of three pairs is a steadier figure.
 */
const ROUNDS = 3;

export interface TracingDeps {
  /** The processes a product detail request crosses, in start order (service, cell gateway, gateway-global). */
  onPath: OnPath;
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
  const { restartWith, explain, restore } = pathRestarter(deps.onPath);
  const run = rowRun(deps, config, log);
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
    await restore();
    await sink.close();
  }
}
