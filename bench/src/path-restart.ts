import { BUNDLE, type ProcessPlan } from '@retail/system';
import { realProcess, type RealProcess } from '@retail/testing';
import { onInterrupt } from './interrupts.ts';
import type { BenchConfig } from './config.ts';
import { measureLoad, type LoadResult } from './load.ts';
import type { Log } from './log.ts';

const isAlive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The processes a measured request crosses, as planned and as running now. */
export type OnPath = { plan: ProcessPlan; running: RealProcess }[];

/**
 * Run the processes on a measured path again with other settings, each time on fresh copies (same plan,
 * same data), and give the original processes back at the end: for rows that compare set-ups (tracing
 * on and off, discovery on and off).
 */
export function pathRestarter(onPath: OnPath) {
  let current: RealProcess[] = onPath.map((p) => p.running);
  const forget = onInterrupt(async () => {
    for (const proc of [...current].reverse()) await proc.stop();
  });
  return {
    async restartWith(env: Record<string, string>) {
      for (const proc of [...current].reverse()) await proc.stop();
      current = onPath.map(({ plan }) =>
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
    },
    /** A FAILED run says whether a restarted process died, and its last words. */
    explain(result: LoadResult) {
      if (!result.failure) return;
      for (const proc of current) {
        if (isAlive(proc.pid())) continue;
        const words = proc.output().trim().split('\n').slice(-3).join(' | ').slice(-600);
        result.failure += `; ${proc.name} exited: ${words || 'no output'}`;
      }
    },
    /** Stop the copies and start the original processes again. */
    async restore() {
      for (const proc of [...current].reverse()) await proc.stop();
      forget();
      for (const { running } of onPath) await running.start();
    },
  };
}

/** The mean rate of runs, or null when one FAILED. */
export const meanRate = (runs: LoadResult[]) =>
  runs.every((r) => r.requestsPerSecond) ? runs.reduce((sum, r) => sum + r.requestsPerSecond!, 0) / runs.length : null;

/** One measured run of a row-(c) URL with a user's token, as the comparing rows make them. */
export const rowRun =
  (deps: { url: string; userToken: string }, config: BenchConfig, log: Log) => (title: string, beforeMeasure?: () => void) =>
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
