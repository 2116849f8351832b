import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionStreams } from '@retail/events';
import { systemCells } from '@retail/topology';
import {
  metricsPortName,
  natsReplicas,
  NATS_ROUTE_PASSWORD_VAR,
  writeLocalClusterNode,
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
import {
  freePort,
  realProcess,
  startOtlpReceiver,
  startTestNats,
  startTestNatsCluster,
  tempDir,
  type OtlpReceiver,
  type RealProcess,
  type TestNats,
  type TestNatsCluster,
} from '@retail/testing';
import { watchEvents, type EventViolation } from '@retail/contracts/event-conformance';
import { startConformanceProxy } from './conformance-proxy.ts';
import { undeclaredEdges } from './trace-topology.ts';

const PUBLIC_OPENAPI = fileURLToPath(new URL('../../gateway-global/openapi.json', import.meta.url));
const ASYNCAPI = fileURLToPath(new URL('../../shared/contracts/asyncapi.json', import.meta.url));

export interface TestSystem {
  /**
   * gateway-global, the only public entry, through a pass-through that checks every answer against the
   * public OpenAPI document (gateway-global/openapi.json); `stop()` fails with what did not conform.
   */
  url: string;
  /** The spans every process exported; `stop()` fails on an edge between cells the descriptors do not declare. */
  otlp?: OtlpReceiver;
  /** Events a test publishes broken on purpose (to see them dead-lettered): not held against the run. */
  tolerateEvents(accept: (violation: EventViolation) => boolean): void;
  /** What the contract checks have seen so far (all 0 with `conformance: false`). */
  contractChecks(): { answers: number; events: number; spans: number };
  /** The nats-server; of a cluster, its first node, with every node's URL as `url` (NATS_URL). */
  nats: TestNats;
  /** With `natsNodes` > 1: every node, to stop, kill and restart one. */
  natsCluster?: TestNatsCluster;
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
    /**
     * Check the run against the contracts (default on): answers against the OpenAPI document, events
     * against the AsyncAPI document, the edges between cells in the spans against the descriptors. The
     * benchmark turns it off: it measures the system, not the checks.
     */
    conformance?: boolean;
    /** nats-server nodes: 1 (the default), or a JetStream cluster of 3 with every stream on all of them. */
    natsNodes?: number;
  } = {},
): Promise<TestSystem> {
  // The sources by default; the benchmark runs the bundles (`dist/main.mjs`), as npm start and the image do.
  const entry = options.entry ?? 'src/main.ts';
  // The running system as npm start runs it: every partition of the orders cell a cell of its own.
  const cells = systemCells({});
  const data = tempDir('retail-system-');
  // A letter first: nats-server parses the variable's value (see usableNatsPassword).
  const word = () => `n${randomBytes(12).toString('hex')}`;
  const passwords: Record<string, string> = Object.fromEntries(natsUserNames(cells).map((user) => [natsPasswordVar(user), word()]));
  const natsPassword = (user: string) => natsPasswordOf(user, passwords);
  const natsNodes = options.natsNodes ?? 1;
  let monitorPort = 0;
  let natsCluster: TestNatsCluster | undefined;
  let nats: TestNats;
  if (natsNodes === 1) {
    monitorPort = await freePort();
    const configFile = join(data.path, 'nats.conf');
    writeFileSync(configFile, natsServerConfig({ cells, monitorPort }));
    nats = await startTestNats({ configFile, env: passwords });
  } else {
    const routePassword = word();
    natsCluster = await startTestNatsCluster({
      nodes: natsNodes,
      env: { ...passwords, [NATS_ROUTE_PASSWORD_VAR]: routePassword },
      configFile: (node, all) => writeLocalClusterNode(data.path, node, all, { cells, routePassword }),
    });
    monitorPort = natsCluster.nodes[0]!.monitorPort;
    nats = { ...natsCluster.nodes[0]!, url: natsCluster.url, dispose: natsCluster.dispose };
  }
  // As npm start does: the streams and durables set up by the system user, which cell users may not.
  await provisionStreams({
    servers: nats.url,
    user: SYSTEM_NATS_USER,
    pass: natsPassword(SYSTEM_NATS_USER),
    cells,
    buckets: platformBuckets,
    replicas: natsReplicas(natsNodes),
  }).catch(async (error) => {
    await nats.dispose();
    data.remove();
    throw error;
  });
  // As npm start does: the environment's settings in the config bucket, before any process reads them.
  const runtime = await openRuntimeBus({ url: nats.url, pass: natsPassword(SYSTEM_NATS_USER), quiet: true });
  await runtime.close();
  const scale = parseScale(options.scale, cells);
  const conformance = options.conformance ?? true;
  // Spans only (metrics stay on each process's Prometheus listener), as JSON for the receiver, soon after they end.
  const otlp = conformance ? await startOtlpReceiver() : undefined;
  const tracing: Record<string, string> = otlp
    ? {
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_BSP_SCHEDULE_DELAY: '500',
      }
    : {};
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
    extraEnv: {
      RATE_LIMIT_PER_SECOND: '0',
      REGISTER_RATE_PER_MINUTE: '0',
      LOGIN_MAX_FAILURES_PER_CLIENT: '1000',
      ...tracing,
      ...options.extraEnv,
    },
  });
  const processes = new Map(
    plans.map((p) => [
      p.name,
      realProcess({
        name: p.name,
        command: process.execPath,
        args: [entry],
        cwd: p.dir,
        env: p.env,
        readyUrl: `${p.url}/readyz`,
        // Twenty processes starting at once on two cores, beside a test run: room for a slow start.
        readyTimeoutMs: 60_000,
      }),
    ]),
  );
  const gatewayUrl = plans.find((p) => p.kind === 'global-gateway')!.url;
  // Every event published on the cells' subjects, checked against the AsyncAPI document as it goes by.
  const events = conformance
    ? await watchEvents({
        servers: nats.url,
        user: SYSTEM_NATS_USER,
        pass: natsPassword(SYSTEM_NATS_USER),
        document: JSON.parse(readFileSync(ASYNCAPI, 'utf8')),
        name: 'contract checks',
      })
    : undefined;
  const proxy = conformance ? await startConformanceProxy(gatewayUrl, JSON.parse(readFileSync(PUBLIC_OPENAPI, 'utf8'))) : undefined;
  const tolerated: ((violation: EventViolation) => boolean)[] = [];
  const system: TestSystem = {
    tolerateEvents: (accept) => tolerated.push(accept),
    url: proxy?.url ?? gatewayUrl,
    otlp,
    contractChecks: () => ({ answers: proxy?.checked() ?? 0, events: events?.report().checked ?? 0, spans: otlp?.spans.length ?? 0 }),
    nats,
    natsCluster,
    natsCredentials: (user) => ({ user, pass: natsPassword(user) }),
    natsMonitorUrl: `http://127.0.0.1:${monitorPort}`,
    plans,
    process: (name) => processes.get(name) ?? fail(name),
    plan: (name) => plans.find((p) => p.name === name) ?? fail(name),
    stop: async () => {
      for (const proc of [...processes.values()].reverse()) await proc.stop();
      await proxy?.close();
      const published = await events?.close();
      await nats.dispose();
      data.remove();
      await otlp?.close();
      const failures = [
        ...(proxy?.violations ?? []).map(
          (v) => `answer to ${v.request} (${v.status}) does not match the OpenAPI document: ${v.problems.join('; ')}`,
        ),
        ...(published?.violations ?? [])
          .filter((v) => !tolerated.some((accept) => accept(v)))
          .map((v) => `event ${v.id} on ${v.subject} does not match the AsyncAPI document: ${v.problems.join('; ')}`),
        ...(otlp ? undeclaredEdges(otlp.spans, cells).map((edge) => `undeclared edge between cells: ${edge}`) : []),
      ];
      if (failures.length) throw new Error(`the run broke its contracts:\n${[...new Set(failures)].slice(0, 30).join('\n')}`);
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

const CONFIG_CLI = fileURLToPath(new URL('../../compose/src/config-cli.ts', import.meta.url));

/** `npm run config -- …` as an operator runs it, against this system's NATS as the system user. */
export const runConfig = (system: TestSystem, ...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const { user, pass } = system.natsCredentials('system');
    execFile(
      process.execPath,
      [CONFIG_CLI, ...args],
      { env: { ...process.env, NATS_URL: system.nats.url, NATS_USER: user, NATS_PASS: pass } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
