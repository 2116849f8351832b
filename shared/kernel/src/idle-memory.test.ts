import { describe, expect, it } from 'vitest';
import { releaseMemoryWhenIdle } from './idle-memory.ts';
import { createLogger } from './logger.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const MiB = 1024 * 1024;

/** A process seen through what the releaser reads: how busy it was, and its RSS. */
function fakeProcess(flushAfterMs = Number.POSITIVE_INFINITY) {
  const state = { busy: 0, rss: 90 * MiB, releases: 0, gcs: [] as number[] };
  const releaser = releaseMemoryWhenIdle({
    logger,
    everyMs: 60_000,
    flushAfterMs,
    utilization: () => state.busy,
    rss: () => state.rss,
    release: (gcs) => {
      state.releases++;
      state.gcs.push(gcs);
      state.rss -= 10 * MiB;
    },
  });
  return { state, releaser };
}

describe('giving memory back when idle', () => {
  it('releases once the process is idle after start-up, then again only after it has grown', () => {
    const { state, releaser } = fakeProcess();
    try {
      expect(releaser.check()).toBe(true); // start-up's heap, first quiet look
      expect(state.rss).toBe(80 * MiB);
      expect(releaser.check()).toBe(false); // nothing new since
      state.rss += 5 * MiB; // a little traffic: not worth a full GC
      expect(releaser.check()).toBe(false);
      state.rss += 20 * MiB; // a busy spell grew the heap
      expect(releaser.check()).toBe(true);
      expect(state.releases).toBe(2);
    } finally {
      releaser.stop();
    }
  });

  it('leaves a busy process alone, however much it has grown', () => {
    const { state, releaser } = fakeProcess();
    try {
      state.busy = 0.4;
      state.rss += 500 * MiB;
      expect(releaser.check()).toBe(false);
      expect(state.releases).toBe(0);
      state.busy = 0.001; // the load is over
      expect(releaser.check()).toBe(true);
    } finally {
      releaser.stop();
    }
  });

  it('drops unused code once per quiet spell, after it has lasted long enough', () => {
    const { state, releaser } = fakeProcess(120_000);
    try {
      expect(releaser.check()).toBe(true); // quiet 1 min: start-up's heap, one GC
      expect(releaser.check()).toBe(true); // quiet 2 min: enough GCs in a row to flush unused code
      expect(releaser.check()).toBe(false); // still quiet: done for this spell
      expect(state.gcs).toEqual([1, 7]);
      state.busy = 0.3; // traffic again
      expect(releaser.check()).toBe(false);
      state.busy = 0;
      expect(releaser.check()).toBe(false); // quiet 1 min, nothing grew
      expect(releaser.check()).toBe(true); // quiet 2 min: this spell's flush
      expect(state.gcs).toEqual([1, 7, 7]);
    } finally {
      releaser.stop();
    }
  });
});
