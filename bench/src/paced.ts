import { Pool } from 'undici';
import { watchCpu } from './cpu-watch.ts';
import { judgeRun, type LoadResult } from './load.ts';
import type { Log } from './log.ts';
import { sleep } from './log.ts';
import { percentile, round } from './stats.ts';

export interface PacedSpec {
  title: string;
  url: string;
  headers: Record<string, string>;
  /** Requests per second, evenly spaced. */
  rate: number;
  /** Connections the requests may use (a request waits when all are busy). */
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

/**
 * An open-loop load at an even pace: request i is due at start + i/rate and its latency counts from when
 * it was due, so a stall is charged to every request it delayed. autocannon's `overallRate` gives each
 * connection a quota per second that it spends back to back, so its load arrives in bursts at the full
 * concurrency; this is the steady load the same rate means.
 */
export async function measurePaced(spec: PacedSpec, log: Log): Promise<LoadResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, {
    connections: spec.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const path = url.pathname + url.search;
  const phase = async (seconds: number) => {
    const total = Math.max(1, Math.round(spec.rate * seconds));
    const interval = 1000 / spec.rate;
    const latencies: number[] = [];
    const statusCodes: Record<string, number> = {};
    let errors = 0;
    const inflight = new Set<Promise<void>>();
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait >= 1) await sleep(wait);
      // Timers wake to the millisecond, so a request may leave up to 1 ms before it is due: its latency
      // then counts from when it left, never from a time still to come.
      const from = Math.max(due, performance.now());
      const request: Promise<void> = pool.request({ path, method: 'GET', headers: spec.headers }).then(
        async (res) => {
          await res.body.dump();
          latencies.push(performance.now() - from);
          statusCodes[res.statusCode] = (statusCodes[res.statusCode] ?? 0) + 1;
        },
        () => {
          errors++;
        },
      );
      inflight.add(request);
      void request.finally(() => inflight.delete(request));
    }
    await Promise.all(inflight);
    return { latencies, statusCodes, errors, seconds: (performance.now() - start) / 1000 };
  };
  try {
    if (spec.warmupSeconds > 0) {
      log(`${spec.title}: warm-up ${spec.warmupSeconds} s at ${spec.rate} req/s, evenly paced`);
      await phase(spec.warmupSeconds);
    }
    log(`${spec.title}: measuring ${spec.durationSeconds} s at ${spec.rate} req/s, evenly paced, up to ${spec.connections} connections`);
    const cpu = watchCpu();
    const r = await phase(spec.durationSeconds);
    const otherCpuPercent = cpu.otherPercent();
    const ok = Object.entries(r.statusCodes).reduce((sum, [code, n]) => sum + (code.startsWith('2') ? n : 0), 0);
    const non2xx = Object.values(r.statusCodes).reduce((a, b) => a + b, 0) - ok;
    return judgeRun(
      {
        title: spec.title,
        url: spec.url,
        connections: spec.connections,
        durationSeconds: round(r.seconds, 2),
        overallRate: spec.rate,
        p50Ms: round(percentile(r.latencies, 50) ?? 0, 2),
        p99Ms: round(percentile(r.latencies, 99) ?? 0, 2),
        ok2xx: ok,
        non2xx,
        errors: r.errors,
        timeouts: 0,
        statusCodes: r.statusCodes,
        otherCpuPercent,
      },
      r.seconds,
      log,
    );
  } finally {
    await pool.close();
  }
}
