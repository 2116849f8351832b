import type { Shop } from '../../e2e/src/retail.ts';
import type { TestSystem } from '../../e2e/src/system.ts';
import type { Log } from './log.ts';
import { waitUntilQuiet, type WatchedProcess } from './memory.ts';
import { runSaga, type SagaResult } from './saga.ts';

/** The system's running processes and its nats-server (every node of a cluster), whose CPU and memory the bench reads. */
export const watchedProcesses = (system: TestSystem): WatchedProcess[] => [
  ...system.plans
    .filter((p) => system.process(p.name).pid() !== undefined)
    .map((p) => ({ name: p.name, pid: system.process(p.name).pid() })),
  ...(system.natsCluster
    ? system.natsCluster.nodes.map((node) => ({ name: `nats-server ${node.name}`, pid: node.process.pid() }))
    : [{ name: 'nats-server', pid: system.nats.process.pid() }]),
];

/**
 * The saga on `system`, on a product of its own with the stock for every order, once the processes are
 * quiet (the idle CPU it measures before the first POST is subtracted from each process's).
 * `ratePerSecond`: open loop at that rate; otherwise closed loop with the configured clients.
 */
export async function sagaOn(
  system: TestSystem,
  customers: Shop,
  run: { label: string; orders: number; clients: number; timeoutSeconds: number; ratePerSecond?: number },
  log: Log,
): Promise<SagaResult> {
  const sku = await customers.productWithStock(run.label, run.orders);
  await waitUntilQuiet(watchedProcesses(system), { timeoutSeconds: 30, log, what: 'before the saga' });
  const logged = new Map(system.plans.map((p) => [p.name, system.process(p.name).output().length]));
  const result = await runSaga(
    {
      placeOrder: customers.placeOrder,
      customers: [customers.alice, customers.bob],
      sku,
      url: system.url,
      processes: watchedProcesses(system),
      orders: run.orders,
      clients: run.clients,
      ratePerSecond: run.ratePerSecond,
      timeoutSeconds: run.timeoutSeconds,
    },
    log,
  );
  // What the processes warned of meanwhile: where a refused POST or a lost order came from.
  if (result.failure) result.warnings = warningsSince(system, logged);
  for (const line of result.warnings ?? []) log(`saga: ${line}`);
  return result;
}

function warningsSince(system: TestSystem, logged: Map<string, number>): string[] {
  return system.plans.flatMap((p) =>
    system
      .process(p.name)
      .output()
      .slice(logged.get(p.name) ?? 0)
      .split('\n')
      .filter((line) => /"level":(40|50|60)/.test(line))
      .slice(-3)
      .map((line) => `${p.name}: ${line.slice(0, 400)}`),
  );
}
