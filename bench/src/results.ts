import type { BenchConfig } from './config.ts';
import type { DiscoveryCost } from './discovery.ts';
import type { GatewayPathResult } from './gateway-path.ts';
import type { Machine } from './machine.ts';
import type { MemorySample } from './memory.ts';
import type { DrainResult } from './drain.ts';
import type { BlastRadius, RouterCost } from './partitions.ts';
import type { SagaResult } from './saga.ts';
import type { StartupResult } from './startup.ts';
import type { TracingResult } from './tracing.ts';

/** A part that could not be measured at all, and why. */
export interface NotMeasured {
  notMeasured: string;
}

/** Everything one `npm run bench` found; written as latest.json. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  elapsedSeconds: number;
  machine: Machine;
  /** CPU used by processes outside the bench over 2 s before it started, in % of all cores. */
  otherCpuPercentAtStart: number;
  config: Omit<BenchConfig, 'resultsDir'>;
  /** The environment the system under test ran with, besides its plan. */
  systemEnv: Record<string, string>;
  gatewayPath: GatewayPathResult | NotMeasured;
  tracing: TracingResult | NotMeasured;
  saga: SagaResult | NotMeasured;
  /** The same saga offered at a steady rate (open loop, BENCH_SAGA_RATE): latency when not saturated. */
  sagaPaced: SagaResult | NotMeasured;
  /** The saga (closed loop, as `saga`) on a second system whose NATS is a 3-node JetStream cluster, streams with 3 replicas. */
  natsCluster: SagaResult | NotMeasured;
  /** The partitioned orders cell: the cell router's cost, one partition's outage, and a partition drained under load. */
  partitions: { router: RouterCost | NotMeasured; blastRadius: BlastRadius | NotMeasured; drain?: DrainResult | NotMeasured };
  /** Instances and discovery: what the registry and balancing cost on row (c), and the saga with two checkouts per partition. */
  discovery: { gatewayPath: DiscoveryCost | NotMeasured; sagaTwoCheckouts: SagaResult | NotMeasured };
  memory: { idle?: MemorySample; afterSaga?: MemorySample; quietAfterSaga?: MemorySample };
  startup: StartupResult | NotMeasured;
  notes: string[];
}

export const measured = <T extends object>(part: T | NotMeasured): T | undefined => ('notMeasured' in part ? undefined : part);

/** Run one part of the bench; an exception makes it NotMeasured instead of ending the bench. */
export async function attempt<T extends object>(what: string, log: (m: string) => void, part: () => Promise<T>): Promise<T | NotMeasured> {
  try {
    return await part();
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    log(`${what}: could not be measured — ${message}`);
    return { notMeasured: message.split('\n')[0]!.slice(0, 300) };
  }
}
