import { performance } from 'node:perf_hooks';
import type { Logger } from './logger.ts';
import { BYTECODE_OLD_AGE, memoryReducingGc } from './patches/expose-gc.ts';

/**
 * Give memory back when the process goes idle.
 *
 * V8 has a memory reducer meant to do this: when allocation slows down it runs a full GC that shrinks
 * the young generation and returns pooled pages to the system. In an idle Node process it never runs:
 * it judges the allocation rate from samples taken at garbage collections, and an idle process has none,
 * so the rate of its start-up (or of its last busy spell) is the rate it sees forever ("high alloc").
 * Each process would keep the 8–10 MiB young generation and the pooled pages its start-up grew to: about
 * 100 MiB over the thirteen processes of the system (bench/README.md, Memory).
 *
 * So every few seconds the process looks at how busy its event loop was; in a quiet interval, when its
 * RSS has grown since the last release (start-up counts as growth), it runs one memory-reducing GC. A
 * busy process is left alone, so this never adds a pause under load. Once it has stayed quiet for
 * `flushAfterMs` (10 s), it also lets go of the code it has not run since: enough GCs in a row for V8 to
 * flush unused bytecode (~2 MiB a process). Not sooner, because the first request after that compiles its
 * path again; not after every pause in traffic, only once per quiet spell.
 */
export interface IdleMemoryOptions {
  logger: Logger;
  /** How often the process looks (ms). */
  everyMs?: number;
  /** Below this share of the interval spent running (event loop utilization), the process counts as idle. */
  idleUtilization?: number;
  /** Release again only once RSS has grown this much (bytes) over what the last release left. */
  growthBytes?: number;
  /** The event loop's utilization since the previous call, 0–1. */
  utilization?: () => number;
  rss?: () => number;
  /** Quiet this long without a break (ms), the process also drops the code it has not run since. */
  flushAfterMs?: number;
  /** What releasing does: `gcs` memory-reducing full GCs (patches/expose-gc.ts); 1, or enough to flush code. */
  release?: (gcs: number) => void;
}

export interface IdleMemoryReleaser {
  /** Look once: release when the process was idle and has grown. True when it released. */
  check(): boolean;
  stop(): void;
}

const MiB = 1024 * 1024;

/**
 * Look every `everyMs` and release memory when the process was idle and has grown (see above).
 *
 * @example
 * const idleMemory = releaseMemoryWhenIdle({ logger });
 * // … on shutdown:
 * idleMemory.stop();
 */
export function releaseMemoryWhenIdle(options: IdleMemoryOptions): IdleMemoryReleaser {
  const { logger, everyMs = 2_000, idleUtilization = 0.02, growthBytes = 8 * MiB, flushAfterMs = 10_000 } = options;
  const utilization = options.utilization ?? loopUtilization();
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const release = options.release ?? memoryReducingGc();
  let leftAfterRelease: number | undefined;
  /** How long the process has been quiet, and whether this quiet spell's code flush has been done. */
  let quietMs = 0;
  let flushed = false;

  const releaseNow = (gcs: number, what: string) => {
    const before = rss();
    const started = performance.now();
    release(gcs);
    leftAfterRelease = rss();
    utilization(); // the GC's own time is not load
    const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;
    logger.debug({ rssBeforeMiB: mib(before), rssAfterMiB: mib(leftAfterRelease), ms: Math.round(performance.now() - started) }, what);
    return true;
  };

  const check = (): boolean => {
    if (utilization() >= idleUtilization) {
      quietMs = 0;
      flushed = false;
      return false;
    }
    quietMs += everyMs;
    if (!flushed && quietMs >= flushAfterMs) {
      flushed = true;
      return releaseNow(BYTECODE_OLD_AGE, 'idle for long: memory and unused code released');
    }
    if (leftAfterRelease !== undefined && rss() < leftAfterRelease + growthBytes) return false;
    return releaseNow(1, 'idle: memory released');
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}

function loopUtilization(): () => number {
  let previous = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, previous);
    previous = now;
    return utilization;
  };
}
