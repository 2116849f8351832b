import { planSystem, type ProcessPlan } from '@retail/system';
import { freePort, realProcess, startTestNats, tempDir, type RealProcess, type TestNats } from '@retail/testing';

export interface TestSystem {
  /** gateway-global, the only public entry. */
  url: string;
  nats: TestNats;
  plans: ProcessPlan[];
  process(name: string): RealProcess;
  plan(name: string): ProcessPlan;
  stop(): Promise<void>;
}

/**
 * The whole topology as real processes — a private nats-server, every service and gateway — on free
 * ports with a fresh data directory, planned exactly as `npm start` plans it.
 */
export async function startTestSystem(options: { extraEnv?: Record<string, string> } = {}): Promise<TestSystem> {
  const nats = await startTestNats();
  const data = tempDir('retail-system-');
  const ports = new Map<string, number>();
  const draft = planSystem({ dataDir: data.path, natsUrl: nats.url });
  for (const p of draft) ports.set(p.name, await freePort());
  const plans = planSystem({
    dataDir: data.path,
    natsUrl: nats.url,
    portOf: (name) => ports.get(name)!,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'warn',
    extraEnv: { RATE_LIMIT_PER_SECOND: '0', ...options.extraEnv },
  });
  const processes = new Map(
    plans.map((p) => [
      p.name,
      realProcess({ name: p.name, command: process.execPath, args: ['src/main.ts'], cwd: p.dir, env: p.env, readyUrl: `${p.url}/readyz` }),
    ]),
  );
  const system: TestSystem = {
    url: plans.find((p) => p.kind === 'global-gateway')!.url,
    nats,
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
    for (const kinds of [['core', 'composite'], ['cell-gateway'], ['global-gateway']]) {
      await Promise.all(plans.filter((p) => kinds.includes(p.kind)).map((p) => processes.get(p.name)!.start()));
    }
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}

function fail(name: string): never {
  throw new Error(`no process ${name} in the plan`);
}
