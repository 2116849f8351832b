// npm run bench: the gateway path, the order saga, memory and start-up, measured on this machine.
import { fileURLToPath } from 'node:url';
import { waitFor } from '@retail/testing';
import { apiClient } from '../../e2e/src/client.ts';
import { shop } from '../../e2e/src/retail.ts';
import { startTestSystem } from '../../e2e/src/system.ts';
import { measureDiscoveryCost } from './discovery.ts';
import { BUNDLE, buildBundles, deployableDirs } from '@retail/system';
import { loadConfig } from './config.ts';
import { otherCpuBeforeStart } from './cpu-watch.ts';
import { measureGatewayPath } from './gateway-path.ts';
import { interrupted, onInterrupt } from './interrupts.ts';
import { sleep, stderrLog } from './log.ts';
import { describeMachine, machineLine } from './machine.ts';
import { sampleMemory, waitUntilQuiet } from './memory.ts';
import { ensureNginx, startNginxChain } from './nginx.ts';
import { benchNotes } from './notes.ts';
import { targetRows, writeResults } from './report.ts';
import { attempt, type BenchResults, type NotMeasured } from './results.ts';
import { sagaOn, watchedProcesses } from './saga-on.ts';
import { measureStartup } from './startup.ts';
import { workloadToken } from './tokens.ts';
import { measureTracingCost } from './tracing.ts';
import { measureDrain } from './drain.ts';
import { measureBlastRadius, measureRouterCost } from './partitions.ts';
import { measured } from './results.ts';

const log = stderrLog();
const config = loadConfig(process.env, fileURLToPath(new URL('../results', import.meta.url)));
const machine = describeMachine();
const startedAt = new Date();
log(`machine: ${machineLine(machine)}`);
if (Math.max(config.durationSeconds, config.warmupSeconds) > 20)
  log('BENCH_DURATION/BENCH_WARMUP over 20 s: rows (a) and (d) may outlive their internal token and fail with 401s');
const otherCpuPercentAtStart = await otherCpuBeforeStart({ maxWaitSeconds: config.quietWaitSeconds, log });
log(
  `other processes are using ${otherCpuPercentAtStart} % of the machine's CPU${otherCpuPercentAtStart > 10 ? ': the figures will be skewed by them' : ''}`,
);

// Rate limits off (every load row would otherwise be 429s), tracing off except in its own row.
// The system as npm start runs it (telemetry on: trace context, Prometheus metrics, no OTLP export), without rate limits.
// Every customer of the bench signs in from this one address: no lock after a thousand sign-ins.
const systemEnv = { RATE_LIMIT_PER_SECOND: '0', LOGIN_MAX_FAILURES_PER_CLIENT: '1000000' };
const { resultsDir, ...settings } = config;
const results: BenchResults = {
  startedAt: startedAt.toISOString(),
  finishedAt: '',
  elapsedSeconds: 0,
  machine,
  otherCpuPercentAtStart,
  config: settings,
  systemEnv,
  gatewayPath: { notMeasured: 'not reached' },
  tracing: { notMeasured: 'not reached' },
  saga: { notMeasured: 'not reached' },
  sagaPaced: { notMeasured: 'not reached' },
  natsCluster: { notMeasured: 'not reached' },
  partitions: {
    router: { notMeasured: 'not reached' },
    blastRadius: { notMeasured: 'not reached' },
    drain: { notMeasured: 'not reached' },
  },
  discovery: { gatewayPath: { notMeasured: 'not reached' }, sagaTwoCheckouts: { notMeasured: 'not reached' } },
  memory: {},
  startup: { notMeasured: 'not run' },
  notes: [],
};

// The system as npm start and the image run it: one bundle per process (built here when stale).
log('building the bundles (npm run build)');
await buildBundles(deployableDirs());
log('starting the system: a private nats-server and every process (its bundle) on free ports');
// Two instances of every checkout planned: the second ones run only for the saga row with two.
const system = await startTestSystem({ extraEnv: systemEnv, entry: BUNDLE, scale: 'orders/checkout=2', conformance: false }).catch(
  (error: Error) => {
    log(`the system did not start: ${error.message}`);
    const notMeasured = `the system did not start: ${error.message.split('\n')[0]}`;
    Object.assign(results, { gatewayPath: { notMeasured }, tracing: { notMeasured }, saga: { notMeasured } });
    return undefined;
  },
);
if (system) {
  const forget = onInterrupt(() => system.stop());
  const extraCheckouts = system.plans.filter((p) => p.instance > 1).map((p) => system.process(p.name));
  try {
    // One instance of each component for every row but the saga with two checkouts.
    for (const proc of extraCheckouts) await proc.stop();
    const watched = () => watchedProcesses(system);
    log(`system up at ${system.url}; letting it settle (${config.settleSeconds} s, then until quiet)`);
    await sleep(config.settleSeconds * 1000);
    await waitUntilQuiet(watched(), { timeoutSeconds: 30, log, what: 'idle' });
    results.memory.idle = sampleMemory(watched());
    log(`memory at idle: ${results.memory.idle.totalMiB} MiB in ${watched().length} processes`);

    const api = apiClient(system.url);
    const customers = await shop(api);
    const detailSku = await customers.productWithStock('BENCH-GET', 1000);
    await waitFor(async () => (await api.call('GET', `/api/products/${detailSku}`)).status === 200 || undefined, {
      what: `${detailSku} in the products cell's browse view`,
    });
    const browse = system.plan('products/browse');
    const productsGateway = system.plan('products/gateway');

    results.gatewayPath = await attempt('gateway path', log, () =>
      measureGatewayPath(
        {
          serviceUrl: browse.url,
          cellGatewayUrl: productsGateway.url,
          globalUrl: system.url,
          path: `/products/${detailSku}`,
          userToken: customers.alice,
          internalToken: workloadToken({
            gatewayUrl: productsGateway.url,
            component: 'browse',
            workloadSecret: browse.env.WORKLOAD_SECRET!,
          }),
          startNginx: (origin) => startNginxChain({ nginx: ensureNginx(log), origin }),
          hops: ['gateway-global', 'products/gateway', 'products/browse'].map((name) => ({ name, pid: system.process(name).pid() })),
        },
        config,
        log,
      ),
    );

    const saga = (label: string, ratePerSecond?: number) =>
      sagaOn(
        system,
        customers,
        { label, ratePerSecond, orders: config.orders, clients: config.clients, timeoutSeconds: config.sagaTimeoutSeconds },
        log,
      );
    results.saga = await attempt('saga', log, () => saga('BENCH-SAGA'));
    results.memory.afterSaga = sampleMemory(watched());
    log(`memory after the saga: ${results.memory.afterSaga.totalMiB} MiB`);
    await waitUntilQuiet(watched(), { timeoutSeconds: 30, log, what: 'after the saga' });
    // Idle again: each process gives back what the load grew (shared/kernel/src/idle-memory.ts).
    await sleep(config.settleSeconds * 1000);
    results.memory.quietAfterSaga = sampleMemory(watched());
    log(`memory once quiet after the saga: ${results.memory.quietAfterSaga.totalMiB} MiB`);
    results.sagaPaced = config.sagaRate
      ? await attempt('saga at a steady rate', log, () => saga('BENCH-PACED', config.sagaRate))
      : { notMeasured: 'BENCH_SAGA_RATE=0' };

    results.discovery.sagaTwoCheckouts = await attempt('saga with two checkouts', log, async () => {
      log(`starting a second instance of every checkout (${extraCheckouts.map((p) => p.name).join(', ')})`);
      for (const proc of extraCheckouts) await proc.start();
      try {
        // Registered at start; every gateway's pool lists them within a heartbeat's publication.
        await sleep(2_000);
        return await saga('BENCH-SAGA-2');
      } finally {
        for (const proc of extraCheckouts) await proc.stop();
      }
    });
    await waitUntilQuiet(watched(), { timeoutSeconds: 30, log, what: 'after the saga with two checkouts' });

    results.tracing = await attempt('tracing', log, () =>
      measureTracingCost(
        {
          onPath: [browse, productsGateway, system.plan('gateway-global')].map((plan) => ({ plan, running: system.process(plan.name) })),
          url: `${system.url}/api/products/${detailSku}`,
          userToken: customers.alice,
        },
        config,
        log,
      ),
    );

    results.discovery.gatewayPath = await attempt('discovery', log, () =>
      measureDiscoveryCost(
        {
          onPath: [browse, productsGateway, system.plan('gateway-global')].map((plan) => ({ plan, running: system.process(plan.name) })),
          url: `${system.url}/api/products/${detailSku}`,
          userToken: customers.alice,
        },
        config,
        log,
      ),
    );

    // Last: it stops a partition of the orders cell, which the other rows must not see.
    const rows = measured(results.gatewayPath)?.rows;
    const targets = { system, api, adminToken: customers.admin };
    results.partitions.router = await attempt('cell router', log, async () => {
      const placed = await customers.placeOrder(customers.alice, [{ sku: detailSku, quantity: 1 }]);
      const products = { b: rows?.find((row) => row.id === 'b')?.result, c: rows?.find((row) => row.id === 'c')?.result };
      return measureRouterCost({ ...targets, customer: { token: customers.alice, orderId: placed.body.id }, products }, config, log);
    });
    results.partitions.blastRadius = await attempt('blast radius', log, async () =>
      measureBlastRadius({ ...targets, sku: await customers.productWithStock('BENCH-BLAST', 100_000) }, {}, log),
    );
    results.partitions.drain = config.drainCustomers
      ? await attempt('drain', log, async () =>
          measureDrain(
            { ...targets, sku: await customers.productWithStock('BENCH-DRAIN', 100_000) },
            { customers: config.drainCustomers },
            log,
          ),
        )
      : { notMeasured: 'BENCH_DRAIN_CUSTOMERS=0' };
  } catch (error) {
    // Setting up (sign-in, test products) failed: what was not reached says so, the rest stands.
    const message = `the bench stopped early: ${(error as Error).message.split('\n')[0]}`;
    log(message);
    for (const part of ['gatewayPath', 'tracing', 'saga', 'sagaPaced'] as const) {
      if ('notMeasured' in results[part] && (results[part] as NotMeasured).notMeasured === 'not reached')
        results[part] = { notMeasured: message };
    }
  } finally {
    log('stopping the system');
    forget();
    await system.stop();
  }
}

// The same saga on a second system whose bus is a 3-node JetStream cluster (every stream on all three).
results.natsCluster =
  config.natsCluster && !interrupted()
    ? await attempt('saga on a 3-node NATS cluster', log, async () => {
        log('starting the system again, with NATS as a 3-node JetStream cluster');
        const clustered = await startTestSystem({ extraEnv: systemEnv, entry: BUNDLE, conformance: false, natsNodes: 3 });
        const forget = onInterrupt(() => clustered.stop());
        try {
          await sleep(config.settleSeconds * 1000);
          const customers = await shop(apiClient(clustered.url));
          return await sagaOn(
            clustered,
            customers,
            { label: 'BENCH-CLUSTER', orders: config.orders, clients: config.clients, timeoutSeconds: config.sagaTimeoutSeconds },
            log,
          );
        } finally {
          forget();
          await clustered.stop();
        }
      })
    : { notMeasured: config.natsCluster ? 'interrupted' : 'BENCH_NATS_CLUSTER=0' };

results.startup = config.startup
  ? await attempt('start-up', log, () => measureStartup({ log }))
  : { seconds: null, selfReportedSeconds: null, stoppedCleanly: null, skipped: 'BENCH_STARTUP=0' };

if (interrupted()) {
  log('interrupted: no results written');
} else {
  const finished = new Date();
  results.finishedAt = finished.toISOString();
  results.elapsedSeconds = Math.round((finished.getTime() - startedAt.getTime()) / 1000);
  results.notes = benchNotes(results);
  const { markdown, files } = writeResults(results, resultsDir);
  process.stdout.write(`${markdown}\n`);
  log(`written: ${files.join(', ')}`);
  // A MISS is a finding; a FAILED row means something did not work, which scripts should notice.
  if (targetRows(results).some((t) => t.status === 'FAILED')) process.exitCode = 1;
}
