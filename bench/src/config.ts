/** What one `npm run bench` does, from the environment (see bench/README.md). */
export interface BenchConfig {
  /** Seconds of each measured HTTP run. */
  durationSeconds: number;
  /** Seconds of load before each measured run, discarded. */
  warmupSeconds: number;
  /** Open connections of every HTTP run. */
  connections: number;
  /** Orders placed in the saga run. */
  orders: number;
  /** Concurrent clients placing them. */
  clients: number;
  /** Orders per second offered in the open-loop saga run (0: not run). */
  sagaRate: number;
  /** How long the saga may take before the run is reported as FAILED. */
  sagaTimeoutSeconds: number;
  /** Customers on the partition the drain row empties (0: the row is not run). */
  drainCustomers: number;
  /** Longest wait for the processes to go quiet (after start-up, between runs). */
  settleSeconds: number;
  /** How long to wait at the start for other processes to leave the CPU alone (0: only look). */
  quietWaitSeconds: number;
  /** Run the saga again on a system whose NATS is a 3-node cluster. */
  natsCluster: boolean;
  /** Measure `npm start` to its ready line. */
  startup: boolean;
  /** Where latest.md, latest.json and the timestamped JSON go. */
  resultsDir: string;
}

const number = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name}=${raw}: expected a number ≥ ${min}`);
  return value;
};

export function loadConfig(env: NodeJS.ProcessEnv, defaultResultsDir: string): BenchConfig {
  return {
    durationSeconds: number(env, 'BENCH_DURATION', 10, 1),
    warmupSeconds: number(env, 'BENCH_WARMUP', 3, 0),
    connections: Math.round(number(env, 'BENCH_CONNECTIONS', 64, 1)),
    orders: Math.round(number(env, 'BENCH_ORDERS', 2000, 1)),
    clients: Math.round(number(env, 'BENCH_CLIENTS', 64, 1)),
    sagaRate: number(env, 'BENCH_SAGA_RATE', 200, 0),
    sagaTimeoutSeconds: number(env, 'BENCH_SAGA_TIMEOUT', 120, 1),
    drainCustomers: Math.round(number(env, 'BENCH_DRAIN_CUSTOMERS', 1000, 0)),
    // Well past the 10 s after which an idle process drops the code it has not run (shared/kernel/src/idle-memory.ts).
    settleSeconds: number(env, 'BENCH_SETTLE', 35, 0),
    quietWaitSeconds: number(env, 'BENCH_QUIET_WAIT', 0, 0),
    natsCluster: env.BENCH_NATS_CLUSTER !== '0' && env.BENCH_NATS_CLUSTER !== 'false',
    startup: env.BENCH_STARTUP !== '0' && env.BENCH_STARTUP !== 'false',
    resultsDir: env.BENCH_RESULTS_DIR || defaultResultsDir,
  };
}
