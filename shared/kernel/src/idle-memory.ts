import { performance } from 'node:perf_hooks';
import type { Logger } from './logger.ts';
import { memoryReducingGc } from './patches/expose-gc.ts';

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
 * busy process is left alone, so this never adds a pause under load.
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
  /** What releasing does: by default one memory-reducing full GC (patches/expose-gc.ts). */
  release?: () => void;
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
  const { logger, everyMs = 2_000, idleUtilization = 0.02, growthBytes = 8 * MiB } = options;
  const utilization = options.utilization ?? loopUtilization();
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const release = options.release ?? memoryReducingGc();
  let leftAfterRelease: number | undefined;

  const check = (): boolean => {
    if (utilization() >= idleUtilization) return false;
    const before = rss();
    if (leftAfterRelease !== undefined && before < leftAfterRelease + growthBytes) return false;
    const started = performance.now();
    release();
    leftAfterRelease = rss();
    utilization(); // the GC's own time is not load
    const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;
    logger.debug(
      { rssBeforeMiB: mib(before), rssAfterMiB: mib(leftAfterRelease), ms: Math.round(performance.now() - started) },
      'idle: memory released',
    );
    return true;
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
