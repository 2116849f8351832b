import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { provisionStreams } from '@retail/events';
import { systemCells } from '@retail/topology';
import {
  metricsPortName,
  natsPasswordOf,
  natsPasswordVar,
  natsServerConfig,
  natsUserNames,
  inStartOrder,
  openRuntimeBus,
  parseScale,
  planSystem,
  platformBuckets,
  SYSTEM_NATS_USER,
  type ProcessPlan,
} from '@retail/system';
import { freePort, realProcess, startTestNats, tempDir, type RealProcess, type TestNats } from '@retail/testing';

export interface TestSystem {
  /** gateway-global, the only public entry. */
  url: string;
  nats: TestNats;
  /** NATS credentials of a user: a cell, `edge`, or `system` (every permission, for test clients). */
  natsCredentials(user: string): { user: string; pass: string };
  /** nats-server's monitoring endpoint (`/connz?auth=1` shows who is connected as which user). */
  natsMonitorUrl: string;
  plans: ProcessPlan[];
  process(name: string): RealProcess;
  plan(name: string): ProcessPlan;
  stop(): Promise<void>;
}

/**
 * The whole topology as real processes — a private nats-server with the users and permissions generated
 * from the descriptors, every service and gateway — on free ports with a fresh data directory, planned
 * exactly as `npm start` plans it. NATS passwords are random, so a process that was not handed its
 * cell's credentials cannot connect.
 */
export async function startTestSystem(
  options: {
    extraEnv?: Record<string, string>;
    entry?: string;
    /** Further instances, as `SCALE` says them: `orders/checkout=2,products/gateway=2`. */
    scale?: string;
  } = {},
): Promise<TestSystem> {
  // The sources by default; the benchmark runs the bundles (`dist/main.mjs`), as npm start and the image do.
  const entry = options.entry ?? 'src/main.ts';
  // The running system as npm start runs it: every partition of the orders cell a cell of its own.
  const cells = systemCells({});
  const data = tempDir('retail-system-');
  const monitorPort = await freePort();
  const configFile = join(data.path, 'nats.conf');
  writeFileSync(configFile, natsServerConfig({ cells, monitorPort }));
  // A letter first: nats-server parses the variable's value (see usableNatsPassword).
  const passwords = Object.fromEntries(natsUserNames(cells).map((user) => [natsPasswordVar(user), `n${randomBytes(12).toString('hex')}`]));
  const natsPassword = (user: string) => natsPasswordOf(user, passwords);
  const nats = await startTestNats({ configFile, env: passwords });
  // As npm start does: the streams and durables set up by the system user, which cell users may not.
  await provisionStreams({
    servers: nats.url,
    user: SYSTEM_NATS_USER,
    pass: natsPassword(SYSTEM_NATS_USER),
    cells,
    buckets: platformBuckets,
  }).catch(async (error) => {
    await nats.dispose();
    data.remove();
    throw error;
  });
  // As npm start does: the environment's settings in the config bucket, before any process reads them.
  const runtime = await openRuntimeBus({ url: nats.url, pass: natsPassword(SYSTEM_NATS_USER), quiet: true });
  await runtime.close();
  const scale = parseScale(options.scale, cells);
  const ports = new Map<string, number>();
  const draft = planSystem({ dataDir: data.path, natsUrl: nats.url, natsPassword, scale });
  for (const p of draft) for (const name of [p.name, metricsPortName(p.name)]) ports.set(name, await freePort());
  const plans = planSystem({
    dataDir: data.path,
    natsUrl: nats.url,
    natsPassword,
    scale,
    portOf: (name) => ports.get(name)!,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'warn',
    // Tests sign up and sign in many customers from one address: no sign-up limit, and room for more than
    // 20 sign-ins per address (the gateway's own tests and the security suite keep the limits).
    // Price lookups get 5 s instead of 2: 200 concurrent orders on two cores shared by twenty processes and
    // the test itself queue longer than a customer would ever wait in production.
    extraEnv: {
      RATE_LIMIT_PER_SECOND: '0',
      REGISTER_RATE_PER_MINUTE: '0',
      LOGIN_MAX_FAILURES_PER_CLIENT: '1000',
      PRICE_TIMEOUT_MS: '5000',
      ...options.extraEnv,
    },
  });
  const processes = new Map(
    plans.map((p) => [
      p.name,
      realProcess({ name: p.name, command: process.execPath, args: [entry], cwd: p.dir, env: p.env, readyUrl: `${p.url}/readyz` }),
    ]),
  );
  const system: TestSystem = {
    url: plans.find((p) => p.kind === 'global-gateway')!.url,
    nats,
    natsCredentials: (user) => ({ user, pass: natsPassword(user) }),
    natsMonitorUrl: `http://127.0.0.1:${monitorPort}`,
    plans,
    process: (name) => processes.get(name) ?? fail(name),
    plan: (name) => plans.find((p) => p.name === name) ?? fail(name),
    stop: async () => {
      for (const proc of [...processes.values()].reverse()) await proc.stop();
      await nats.dispose();
      data.remove();
    },
  };
  try {
    for (const batch of inStartOrder(plans)) await Promise.all(batch.map((p) => processes.get(p.name)!.start()));
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}

function fail(name: string): never {
  throw new Error(`no process ${name} in the plan`);
}
