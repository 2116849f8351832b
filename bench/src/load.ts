import autocannon from 'autocannon';
import { processCpuMs, watchCpu } from './cpu-watch.ts';
import type { Log } from './log.ts';
import { round } from './stats.ts';

/** One HTTP load run: a warm-up that is thrown away, then the measured run. */
export interface LoadSpec {
  title: string;
  url: string;
  /** Called before the warm-up and again before the measured run (short-lived tokens stay fresh). */
  headers?: () => Promise<Record<string, string>> | Record<string, string>;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Fixed overall request rate (req/s) instead of as fast as the system answers. */
  overallRate?: number;
  /** Called between the warm-up and the measured run. */
  beforeMeasure?: () => void;
  /** Processes whose CPU per 2xx answer is measured over the measured run (the hops of the path, the floor). */
  processes?: readonly { name: string; pid?: number }[];
}

export interface LoadResult {
  title: string;
  url: string;
  connections: number;
  durationSeconds: number;
  overallRate?: number;
  /** 2xx answers per second of the measured run; null when the run FAILED. */
  requestsPerSecond: number | null;
  p50Ms: number;
  p99Ms: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** CPU used by other processes on the machine during the measured run, in % of all cores (see cpu-watch.ts). */
  otherCpuPercent: number;
  /** Why the run does not count: errors, timeouts or answers other than 2xx (a 429 included). */
  failure?: string;
  /** µs of CPU (user + system, from /proc in 10 ms ticks) per 2xx answer, by process, when `processes` were given. */
  cpuUsPerRequest?: Record<string, number>;
}

const once = (url: string, connections: number, seconds: number, headers: Record<string, string>, overallRate?: number) =>
  autocannon({ url, connections, duration: seconds, headers, overallRate, timeout: 10 });

/** Load at a fixed concurrency with autocannon; only 2xx answers count as throughput. */
export async function measureLoad(spec: LoadSpec, log: Log): Promise<LoadResult> {
  const headers = async () => (spec.headers ? await spec.headers() : {});
  const rate = spec.overallRate ? ` at ${spec.overallRate} req/s` : '';
  if (spec.warmupSeconds > 0) {
    log(`${spec.title}: warm-up ${spec.warmupSeconds} s${rate}`);
    await once(spec.url, spec.connections, spec.warmupSeconds, await headers(), spec.overallRate);
  }
  spec.beforeMeasure?.();
  log(`${spec.title}: measuring ${spec.durationSeconds} s, ${spec.connections} connections${rate}`);
  const measureHeaders = await headers();
  const cpu = watchCpu();
  const spentBefore = cpuOf(spec.processes);
  const r = await once(spec.url, spec.connections, spec.durationSeconds, measureHeaders, spec.overallRate);
  const otherCpuPercent = cpu.otherPercent();
  const spent = cpuOf(spec.processes);
  const cpuUsPerRequest = spec.processes?.length
    ? Object.fromEntries(
        [...spent].flatMap(([name, ms]) => {
          const before = spentBefore.get(name);
          return before === undefined || r['2xx'] === 0 ? [] : [[name, round(((ms - before) * 1000) / r['2xx'], 1)]];
        }),
      )
    : undefined;
  const statusCodes = Object.fromEntries(
    Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, (s as { count: number }).count]),
  );
  return judgeRun(
    {
      title: spec.title,
      url: spec.url,
      connections: spec.connections,
      durationSeconds: r.duration,
      overallRate: spec.overallRate,
      p50Ms: round(r.latency.p50, 2),
      p99Ms: round(r.latency.p99, 2),
      ok2xx: r['2xx'],
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      statusCodes,
      otherCpuPercent,
      ...(cpuUsPerRequest ? { cpuUsPerRequest } : {}),
    },
    r.duration,
    log,
  );
}

/** CPU ms each named process has used so far (the ones still running). */
function cpuOf(processes: LoadSpec['processes'] = []): Map<string, number> {
  return new Map(
    processes.flatMap(({ name, pid }) => {
      const ms = pid === undefined ? undefined : processCpuMs(pid);
      return ms === undefined ? [] : [[name, ms] as const];
    }),
  );
}

/**
 * The verdict on a measured run, logged: it FAILS on any error, timeout or answer other than 2xx (a 429
 * included), since throughput bought with refusals is not throughput; otherwise it counts its 2xx answers
 * per second of `measuredSeconds`.
 */
export function judgeRun(counted: Omit<LoadResult, 'requestsPerSecond' | 'failure'>, measuredSeconds: number, log: Log): LoadResult {
  const problems = [
    counted.errors > 0 ? `${counted.errors} errors` : '',
    counted.timeouts > 0 ? `${counted.timeouts} timeouts` : '',
    counted.non2xx > 0
      ? `${counted.non2xx} non-2xx (${Object.entries(counted.statusCodes)
          .filter(([c]) => !c.startsWith('2'))
          .map(([c, n]) => `${c}×${n}`)
          .join(', ')})`
      : '',
    counted.ok2xx === 0 ? 'no 2xx answers' : '',
  ].filter(Boolean);
  const failure = problems.length ? problems.join(', ') : undefined;
  const result: LoadResult = { ...counted, requestsPerSecond: failure ? null : Math.round(counted.ok2xx / measuredSeconds), failure };
  log(
    result.failure
      ? `${counted.title}: FAILED — ${result.failure}`
      : `${counted.title}: ${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
  );
  return result;
}
