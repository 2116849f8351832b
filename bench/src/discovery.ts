import type { BenchConfig } from './config.ts';
import type { LoadResult } from './load.ts';
import type { Log } from './log.ts';
import { meanRate, pathRestarter, rowRun, type OnPath } from './path-restart.ts';
import { round } from './stats.ts';

/** Pairs of runs, alternating, compared by their means (as the tracing row does, for the same noise). */
const ROUNDS = 2;

export interface DiscoveryCost {
  /** Row (c) with every process on the path on its configured addresses only (DISCOVERY=static). */
  static: LoadResult[];
  /** The same with the registry: registered, callers balancing over the instances it lists. */
  registry: LoadResult[];
  /** Throughput lost to discovery and balancing: `registry` against `static`, in %; null when a run FAILED. */
  costPercent: number | null;
}

/**
 * What the registry lookup and client-side balancing cost on the gateway path: row (c) through fresh
 * copies of gateway-global, the products gateway and browse, with `DISCOVERY=static` and with the
 * registry, ROUNDS times each, alternating. One instance each, so balancing picks among one: the row
 * measures the machinery, not a second instance.
 */
export async function measureDiscoveryCost(
  deps: { onPath: OnPath; url: string; userToken: string },
  config: BenchConfig,
  log: Log,
): Promise<DiscoveryCost> {
  const { restartWith, explain, restore } = pathRestarter(deps.onPath);
  const measure = rowRun(deps, config, log);
  const run = async (title: string) => {
    const result = await measure(title);
    explain(result);
    return result;
  };
  const runs: DiscoveryCost = { static: [], registry: [], costPercent: null };
  try {
    for (let i = 1; i <= ROUNDS; i++) {
      for (const mode of ['static', 'registry'] as const) {
        log(`discovery: restarting ${deps.onPath.map((p) => p.plan.name).join(', ')} with DISCOVERY=${mode} (${i} of ${ROUNDS})`);
        await restartWith({ DISCOVERY: mode });
        // Registered and found before measuring: the callers' pools list the new instances.
        if (mode === 'registry') await new Promise((r) => setTimeout(r, 1_000));
        runs[mode].push(await run(`(c) discovery ${mode}, run ${i}`));
      }
    }
    const [without, withRegistry] = [meanRate(runs.static), meanRate(runs.registry)];
    runs.costPercent = without && withRegistry ? round((1 - withRegistry / without) * 100, 1) : null;
    log(
      `discovery: (c) ${round(without ?? 0)} req/s static, ${round(withRegistry ?? 0)} req/s with the registry: ${runs.costPercent ?? '—'} %`,
    );
    return runs;
  } finally {
    await restore();
  }
}
