import { mkdirSync, rmSync } from 'node:fs';
import { BUNDLE, buildBundles, deployableDirs } from '@retail/system';
import { startTestSystem, type TestSystem } from '../../e2e/src/system.ts';

/**
 * The whole system from its bundles with every process under V8's CPU profiler, writing its
 * `.cpuprofile` into `dir` (emptied first) when it exits; rate limits off, as in the bench.
 */
export async function startProfiledSystem(dir: string, intervalUs: number): Promise<TestSystem> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await buildBundles(deployableDirs());
  return startTestSystem({
    entry: BUNDLE,
    conformance: false,
    extraEnv: {
      RATE_LIMIT_PER_SECOND: '0',
      LOGIN_MAX_FAILURES_PER_CLIENT: '1000000',
      NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-interval=${intervalUs}`,
    },
  });
}

/** Now on the profiles' clock (monotonic µs). */
export const nowUs = () => Number(process.hrtime.bigint() / 1000n);
