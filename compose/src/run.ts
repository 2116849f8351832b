import type { ChildProcess } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { provisionStreams } from '@retail/events';
import { systemCells } from '@retail/topology';
import { natsPasswordEnv, natsPasswordVar, natsServerConfig, SYSTEM_NATS_USER } from './nats-auth.ts';
import { natsClusterNodeFiles, natsServerBinary, startNatsServer } from './nats-server.ts';
import { DEV_ROUTE_PASSWORD, NATS_ROUTE_PASSWORD_VAR, natsNodes, natsReplicas } from './nats-cluster.ts';
import { instancePlanName, metricsPortName, parseScale, planSystem, repoRoot, type PlanOptions, type ProcessPlan } from './plan.ts';
import { createScaler } from './scaling.ts';
import { openRuntimeBus, type RuntimeBus } from './runtime-bus.ts';
import { freePort, isPortOpen } from '@retail/testing';
import { BUNDLE, buildBundles } from './build.ts';
import { createSupervisor } from './supervisor.ts';
import { platformBuckets } from './buckets.ts';
import { startControlServer, type ControlServer } from './control-server.ts';
import { cellGroups, inStartOrder } from './groups.ts';

export interface RunOptions {
  /** Only these cells (plus gateway-global as the token service). */
  only?: readonly string[];
  /** Restart a process when its source changes. */
  watch?: boolean;
}

const fail = (message: string): never => {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
};

/** The value, or the error's message as `fail` says it (a setting the environment got wrong). */
function orFail<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    return fail((error as Error).message);
  }
}

/**
 * Start NATS and every process of the plan in dependency order; restart a process that crashes (with
 * backoff) while the others keep serving; let `npm run cells` stop and start a cell; stop all of it on
 * Ctrl-C/SIGTERM.
 */
export async function runSystem(options: RunOptions = {}): Promise<void> {
  const [major] = process.versions.node.split('.').map(Number);
  if (major! < 24) fail(`Node ${process.versions.node} is too old: Cellular Retail needs Node 24 (see .nvmrc).`);

  const dataDir = resolve(repoRoot, process.env.DATA_DIR ?? '.data');
  const natsPort = Number(process.env.NATS_PORT ?? 4250);
  // NATS_NODES=3: a JetStream cluster of three nodes on NATS_PORT and the two ports after it, routing to
  // each other on NATS_CLUSTER_PORT and the two after it; every stream kept on all three.
  const nodes = orFail(() => natsNodes(process.env));
  const natsPorts = Array.from({ length: nodes }, (_, i) => natsPort + i);
  const clusterPorts = Array.from({ length: nodes }, (_, i) => Number(process.env.NATS_CLUSTER_PORT ?? 6250) + i);
  const natsUrl = process.env.NATS_URL ?? natsPorts.map((port) => `nats://127.0.0.1:${port}`).join(',');
  const color = process.stdout.isTTY === true;
  // NATS_PASSWORD_<USER> from the environment, else the development defaults: the same values go to
  // nats-server (its config refers to them) and to each process as NATS_PASS.
  // The running system: every global cell, every partition (ORDERS_PARTITIONS sets how many).
  const cells = orFail(() => systemCells(process.env));
  const natsPasswords = orFail(() => natsPasswordEnv(cells));
  const natsPassword = (user: string) => natsPasswords[natsPasswordVar(user)]!;
  // SCALE=orders/checkout=2,products/gateway=2: further instances of components that hold no data.
  const scale = orFail(() => parseScale(process.env.SCALE, cells));
  const planOptions: PlanOptions = {
    dataDir,
    natsUrl,
    natsPassword,
    only: options.only,
    pretty: color,
    logLevel: process.env.LOG_LEVEL,
    partitions: process.env,
  };
  // Further instances listen on free ports: they register where they are, and callers find them there.
  const draft = planSystem({ ...planOptions, scale });
  const ports = new Map<string, number>();
  for (const plan of draft) {
    if (plan.port === 0) ports.set(plan.name, await freePort());
    if (plan.metricsPort === 0) ports.set(metricsPortName(plan.name), await freePort());
  }
  const plans: ProcessPlan[] = ports.size
    ? planSystem({ ...planOptions, scale, portOf: (name, fallback) => ports.get(name) ?? fallback })
    : draft;
  const planInstance = async (component: string, instance: number) => {
    const name = instancePlanName(component, instance);
    const [port, metricsPort] = [await freePort(), await freePort()];
    const planned = planSystem({
      ...planOptions,
      scale: new Map([[component, instance]]),
      portOf: (n, fallback) => (n === name ? port : n === metricsPortName(name) ? metricsPort : fallback),
    });
    return planned.find((p) => p.name === name)!;
  };

  const taken = [];
  for (const plan of plans) {
    if (await isPortOpen(plan.port)) taken.push(`${plan.port} (${plan.name})`);
    if (await isPortOpen(plan.metricsPort)) taken.push(`${plan.metricsPort} (${plan.name} metrics)`);
  }
  for (const port of process.env.NATS_URL ? [] : natsPorts)
    if (await isPortOpen(port)) taken.push(`${port} (nats-server; set NATS_PORT, or NATS_URL to use that server)`);
  for (const port of process.env.NATS_URL || nodes === 1 ? [] : clusterPorts)
    if (await isPortOpen(port)) taken.push(`${port} (nats-server's cluster port; set NATS_CLUSTER_PORT)`);
  if (taken.length)
    fail(`These ports are already in use: ${taken.join(', ')}.\n  Stop what is listening there (another npm start?) and try again.`);

  const natsBinary = process.env.NATS_URL ? undefined : orFail(natsServerBinary);

  // Development runs the sources under --watch; otherwise each process runs its bundle, built here
  // when missing or older than its sources (a no-op on a built tree).
  if (!options.watch) {
    const building = Date.now();
    const { built } = await buildBundles(plans.map((p) => p.dir));
    if (built.length) console.log(`Built ${built.length} bundle(s) in ${((Date.now() - building) / 1000).toFixed(1)} s.`);
  }

  const started = Date.now();
  let shuttingDown = false;
  const supervisor = createSupervisor({
    color,
    entry: options.watch ? 'src/main.ts' : BUNDLE,
    // Under --watch a crashed service is kept by node's watcher (restarted when its source changes);
    // the supervisor restarts only what exits for good.
    nodeArgs: options.watch ? ['--watch', '--watch-preserve-output'] : [],
  });
  let control: ControlServer | undefined;
  let runtime: RuntimeBus | undefined;
  // Every cell connects as its own user (compose/nats/nats.conf is the same config, for compose).
  // Only errors, e.g. a permission violation: which user tried to publish on which subject.
  const showNatsErrors = (node: string) => (line: string) => {
    if (line.includes('[ERR]')) console.error(`${node.padEnd(24)}│ ${line}`);
  };
  const routePassword = process.env[NATS_ROUTE_PASSWORD_VAR] || DEV_ROUTE_PASSWORD;
  const natsServers: ChildProcess[] = [];
  if (natsBinary)
    for (const [i, port] of natsPorts.entries()) {
      // One node keeps its data in .data/nats, as before clusters; a cluster's nodes in nats-1, nats-2, …
      const node = nodes === 1 ? 'nats' : `nats-${i + 1}`;
      const nodeDir = join(dataDir, node);
      const files =
        nodes === 1
          ? { config: natsServerConfig({ cells, port, storeDir: nodeDir }), routes: undefined }
          : natsClusterNodeFiles({
              cells,
              port,
              storeDir: nodeDir,
              serverName: node,
              clusterAddress: `127.0.0.1:${clusterPorts[i]}`,
              clusterAddresses: clusterPorts.map((p) => `127.0.0.1:${p}`),
              routePassword,
            });
      natsServers.push(
        await startNatsServer({
          binary: natsBinary,
          port,
          dataDir: nodes === 1 ? dataDir : nodeDir,
          ...files,
          env: { ...natsPasswords, [NATS_ROUTE_PASSWORD_VAR]: routePassword },
          onOutput: showNatsErrors(nodes === 1 ? 'nats-server' : node),
        }).catch((e: Error) => fail(e.message)),
      );
    }

  async function shutdown(code: number) {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log('\nStopping Cellular Retail…');
    await control?.close();
    await supervisor.stopAll();
    await runtime?.close();
    await Promise.all(
      natsServers
        .filter((nats) => nats.exitCode === null)
        .map((nats) => {
          const exited = new Promise((r) => nats.once('exit', r));
          nats.kill('SIGTERM');
          return exited;
        }),
    );
    console.log('Stopped.');
    process.exit(code);
  }
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    // Every stream and durable as the descriptors declare them, before any service: cell users may not
    // create or change them (see cellPermissions).
    await provisionStreams({
      servers: natsUrl,
      user: SYSTEM_NATS_USER,
      pass: natsPassword(SYSTEM_NATS_USER),
      cells,
      buckets: platformBuckets,
      replicas: natsReplicas(nodes),
    }).catch((error: Error) => {
      throw new Error(`could not set up the streams and consumers on NATS ${natsUrl}: ${error.message}`);
    });
    // The environment's settings into the config bucket (an operator's live changes kept), and a view of the
    // registry for `npm run cells -- status`; both as the system user.
    runtime = await openRuntimeBus({ url: natsUrl, pass: natsPassword(SYSTEM_NATS_USER), configFile: process.env.CONFIG_FILE });
    for (const batch of inStartOrder(plans)) {
      console.log(`Starting ${batch.map((p) => p.name).join(', ')}…`);
      await Promise.all(batch.map((p) => supervisor.start(p)));
    }
    const registry = runtime.directory;
    if (!shuttingDown)
      control = await startControlServer({
        supervisor,
        groups: () => cellGroups(plans),
        scale: createScaler({ live: plans, supervisor, system: cells, planInstance }),
        registered: () => registry.instances(),
        dataDir,
      });
  } catch (error) {
    console.error(`\n✖ ${(error as Error).message}`);
    await shutdown(1);
    return;
  }

  const global = plans.find((p) => p.kind === 'global-gateway')!;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const cellsShown = options.only
    ? ` · cell gateway ${plans
        .filter((p) => p.kind === 'cell-gateway')
        .map((p) => `${p.cell} ${p.url}`)
        .join(', ')}`
    : '';
  console.log(
    `\n✔ Cellular Retail is ready in ${seconds} s: storefront ${global.url}/ · console ${global.url}/console · API ${global.url}/api · tokens ${global.url}/auth/token${cellsShown} · NATS ${natsUrl} · data ${relative(dataDir)} · npm run cells -- status · Ctrl-C stops\n`,
  );
}

const relative = (path: string) => (isAbsolute(path) && path.startsWith(repoRoot) ? path.slice(repoRoot.length) || '.' : path);
