// npm run bench:profile — the order saga with every process under the V8 CPU profiler: one .cpuprofile per
// process in BENCH_PROFILE_DIR (default bench/profiles/saga), written as each process exits; then the
// self time of each process during the saga, by function and by package, as profiles/saga/summary.md.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shop } from '../../e2e/src/retail.ts';
import { apiClient } from '../../e2e/src/client.ts';
import { nowUs, startProfiledSystem } from './profiled-system.ts';
import { stderrLog } from './log.ts';
import { runSaga } from './saga.ts';
import { summariseProfiles } from './profile-summary.ts';

const log = stderrLog();
const dir = process.env.BENCH_PROFILE_DIR || fileURLToPath(new URL('../profiles/saga', import.meta.url));
const orders = Number(process.env.BENCH_ORDERS ?? 2000);
const system = await startProfiledSystem(dir, 500);
let window = { fromUs: 0, toUs: 0 };
try {
  const customers = await shop(apiClient(system.url));
  const processes = system.plans.map((p) => ({ name: p.name, pid: system.process(p.name).pid() }));
  const names = new Map(processes.map((p) => [p.pid, p.name]));
  const saga = async (label: string, count: number) =>
    runSaga(
      {
        placeOrder: customers.placeOrder,
        customers: [customers.alice, customers.bob],
        sku: await customers.productWithStock(label, count),
        url: system.url,
        processes,
        orders: count,
        clients: 64,
        timeoutSeconds: 120,
      },
      log,
    );
  await saga('PROFILE-WARM', 300);
  const fromUs = nowUs();
  const result = await saga('PROFILE-SAGA', orders);
  window = { fromUs, toUs: nowUs() };
  log(`saga: ${JSON.stringify({ ordersPerSecond: result.ordersPerSecond, cpu: result.cpuMsPerOrderTotal, per: result.cpuMsPerOrder })}`);
  await system.stop();
  const summary = summariseProfiles(dir, names, window, result.cpuMsPerOrder);
  log(`written: ${readdirSync(dir).length} files in ${dir}`);
  process.stdout.write(summary);
} catch (error) {
  await system.stop();
  throw error;
}
