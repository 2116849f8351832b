import { fileURLToPath } from 'node:url';
import { isAbsolute, join, resolve } from 'node:path';
import { cells, globalGateway, systemCells } from '@retail/topology';
import {
  componentUrlVar,
  devWorkloadSecret,
  gatewayUrlVar,
  instanceName,
  localUrl,
  partitionCount,
  partitionCountVar,
  workloadSecretVar,
  type CellDescriptor,
} from '@retail/descriptor';
import { defaultNatsPassword, EDGE_NATS_USER, natsUser } from './nats-auth.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** One OS process of the system, fully configured. */
export interface ProcessPlan {
  /** `products/catalog`, `products/gateway`, `orders-2/checkout`, `gateway-global` */
  name: string;
  /** The running cell: `products`, or a partition, `orders-2`. */
  cell: string;
  kind: 'core' | 'composite' | 'cell-gateway' | 'global-gateway';
  /** The package folder; the process runs `node src/main.ts` (or its bundle, `node dist/main.mjs`) there. */
  dir: string;
  port: number;
  /** Its Prometheus /metrics listener (OTEL_EXPORTER_PROMETHEUS_PORT): never published, never routed. */
  metricsPort: number;
  env: Record<string, string>;
  url: string;
  /** 1 for the first instance of its component (the one at the descriptor's port); 2, 3, … for more (`SCALE`). */
  instance: number;
}

/**
 * glibc's allocator, tuned for many small Node processes on one machine (npm start runs nineteen with two
 * orders partitions): one arena instead of eight per core, and blocks of 256 KiB and more always mapped
 * and given back on free. Without the threshold, glibc raises it after the first large free and keeps
 * such blocks (gateway-global's scrypt work, 16 MiB a password) in its heap for good: gateway-global sat
 * at 137 MiB idle instead of 84. Two arenas instead of eight took the system's idle RSS down by ~90 MiB,
 * one instead of two by another ~20 MiB of PSS (bench/README.md, Memory).
 */
export const MALLOC_TUNING: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '262144' };

/** The plan name under which portOf is asked for a process's metrics port. */
export const metricsPortName = (name: string) => `${name}#metrics`;
/** By default a process's metrics listen 1000 above its HTTP port (4101 → 5101, 8080 → 9080). */
const METRICS_PORT_OFFSET = 1000;

export interface PlanOptions {
  dataDir: string;
  natsUrl: string;
  /** Password of a NATS user (see nats-auth.ts); defaults to the development password. */
  natsPassword?: (user: string) => string;
  /** A component's own workload credential, known to it and to its cell gateway; defaults to the development one. */
  workloadSecret?: (cell: string, component: string) => string;
  /** Port of a process, by its plan name; defaults to the descriptor's port. */
  portOf?: (name: string, fallback: number) => number;
  logLevel?: string;
  pretty?: boolean;
  /** Extra env for every process (e.g. rate limits for a benchmark). */
  extraEnv?: Record<string, string>;
  /** Only these cells or partitions (developing one cell alone); gateway-global still runs, as the token service. */
  only?: readonly string[];
  /** How many partitions each partitioned cell runs (`ORDERS_PARTITIONS`); the descriptors' counts by default. */
  partitions?: Record<string, string | undefined>;
  /** How other processes reach a process, by its plan name and port; `http://127.0.0.1:<port>` by default (compose: service names). */
  urlOf?: (name: string, port: number) => string;
  /** The token issuer, as clients see gateway-global; defaults to its URL. Differs in compose (public URL vs service name). */
  issuer?: string;
  /** Interface every process listens on; `127.0.0.1` by default (`0.0.0.0` in containers). */
  host?: string;
  /** How many instances of a component run (`parseScale`: `orders-1/checkout` → 2); one by default. */
  scale?: ReadonlyMap<string, number>;
}

/**
 * The whole topology as processes, in start order (services, then their cell gateway, then
 * gateway-global), every port and URL derived from the cell descriptors.
 */
export function planSystem(options: PlanOptions): ProcessPlan[] {
  const portOf = options.portOf ?? ((_: string, fallback: number) => fallback);
  const natsPassword = options.natsPassword ?? defaultNatsPassword;
  // Each process connects as its cell's NATS user, which may publish only on the cell's own subjects.
  const natsAs = (user: string) => ({ NATS_URL: options.natsUrl, NATS_USER: user, NATS_PASS: natsPassword(user) });
  const urlOf = options.urlOf ?? ((_: string, port: number) => localUrl(port));
  const dataDir = isAbsolute(options.dataDir) ? options.dataDir : resolve(repoRoot, options.dataDir);
  const system = systemCells(options.partitions ?? {});
  const common: Record<string, string> = {
    // Every process sees the same system: how many partitions each partitioned cell has.
    ...partitionCounts(options.partitions ?? {}),
    DATA_DIR: dataDir,
    // Only when asked for (LOG_LEVEL=debug npm start): otherwise the environment's config file says it.
    ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
    LOG_PRETTY: options.pretty ? 'true' : 'false',
    HOST: options.host ?? '127.0.0.1',
    ...MALLOC_TUNING,
    ...options.extraEnv,
  };
  const globalPort = portOf(globalGateway.name, globalGateway.port);
  const globalUrl = urlOf(globalGateway.name, globalPort);
  const issuer = options.issuer ?? globalUrl;
  const selected = options.only ? system.filter((c) => options.only!.includes(c.name) || options.only!.includes(instanceName(c))) : system;
  const plans: ProcessPlan[] = [];
  const metrics = (name: string, port: number) => ({ metricsPort: portOf(metricsPortName(name), port + METRICS_PORT_OFFSET) });
  const metricsEnv = (name: string, port: number) => ({
    OTEL_EXPORTER_PROMETHEUS_PORT: String(metrics(name, port).metricsPort),
    OTEL_EXPORTER_PROMETHEUS_HOST: common.HOST!,
  });
  const gatewayUrls: Record<string, string> = {};

  for (const cell of selected) {
    const self = instanceName(cell);
    const partitionEnv: Record<string, string> = cell.partition ? { CELL_PARTITION: cell.partition } : {};
    // Development: the default every service and gateway knows (and refuses in production), the same in each partition.
    const workloadSecret = (component: string) =>
      options.workloadSecret ? options.workloadSecret(self, component) : devWorkloadSecret(cell.name, component);
    const gatewayPort = portOf(`${self}/gateway`, cell.gateway.port);
    const gatewayUrl = urlOf(`${self}/gateway`, gatewayPort);
    gatewayUrls[self] = gatewayUrl;
    // Every component may call its siblings in the cell (composites command their core).
    const upstreams = Object.fromEntries(
      cell.components.map((c) => [componentUrlVar(c.name), urlOf(`${self}/${c.name}`, portOf(`${self}/${c.name}`, c.port))]),
    );
    for (const component of cell.components) {
      const name = `${self}/${component.name}`;
      const port = portOf(name, component.port);
      // Calls to other cells go through their gateways, with this cell's client-credentials token.
      const calls = component.calls?.length
        ? {
            TOKEN_URL: `${globalUrl}/auth/token`,
            ...Object.fromEntries(
              component.calls
                .flatMap((other) => system.filter((c) => c.name === other))
                .map((other) => [
                  gatewayUrlVar(instanceName(other)),
                  urlOf(`${instanceName(other)}/gateway`, portOf(`${instanceName(other)}/gateway`, other.gateway.port)),
                ]),
            ),
          }
        : {};
      plans.push({
        name,
        instance: 1,
        cell: self,
        kind: component.kind,
        dir: join(repoRoot, 'cells', cell.name, component.name),
        port,
        ...metrics(name, port),
        url: urlOf(name, port),
        env: {
          ...common,
          PORT: String(port),
          ...metricsEnv(name, port),
          ...natsAs(natsUser(self)),
          ...partitionEnv,
          CELL_GATEWAY_URL: gatewayUrl,
          WORKLOAD_SECRET: workloadSecret(component.name),
          ...upstreams,
          ...calls,
        },
      });
    }
    plans.push({
      name: `${self}/gateway`,
      instance: 1,
      cell: self,
      kind: 'cell-gateway',
      dir: join(repoRoot, 'cells', cell.name, 'gateway'),
      port: gatewayPort,
      ...metrics(`${self}/gateway`, gatewayPort),
      url: gatewayUrl,
      env: {
        ...common,
        PORT: String(gatewayPort),
        ...metricsEnv(`${self}/gateway`, gatewayPort),
        // Its cell's NATS user: for the registry, where it registers and finds its components' instances.
        ...natsAs(natsUser(self)),
        ...partitionEnv,
        TOKEN_ISSUER: issuer,
        JWKS_URL: `${globalUrl}/.well-known/jwks.json`,
        ...upstreams,
        ...Object.fromEntries(cell.components.map((c) => [workloadSecretVar(c.name), workloadSecret(c.name)])),
      },
    });
  }
  plans.push({
    name: globalGateway.name,
    instance: 1,
    cell: 'edge',
    kind: 'global-gateway',
    dir: join(repoRoot, 'gateway-global'),
    port: globalPort,
    ...metrics(globalGateway.name, globalPort),
    url: globalUrl,
    env: {
      ...common,
      PORT: String(globalPort),
      ...metricsEnv(globalGateway.name, globalPort),
      ISSUER: issuer,
      // The operator console's live event feed: the read-only edge user.
      ...natsAs(EDGE_NATS_USER),
      ...Object.fromEntries(Object.entries(gatewayUrls).map(([cell, url]) => [gatewayUrlVar(cell), url])),
    },
  });
  return plans
    .flatMap((plan) => [plan, ...moreInstances(plan, options.scale?.get(plan.name) ?? 1, portOf, urlOf)])
    .map((plan) => ({ ...plan, env: { ...plan.env, ADVERTISE_URL: plan.url } })); // where callers reach it, as it registers
}

/**
 * Instances 2…n of a component: the same settings on ports of their own (`portOf` of `orders-1/checkout#2`;
 * 0 until the runner picks free ones). They register themselves, and callers find them in the registry.
 */
function moreInstances(
  first: ProcessPlan,
  count: number,
  portOf: (name: string, fallback: number) => number,
  urlOf: (name: string, port: number) => string,
): ProcessPlan[] {
  return Array.from({ length: count - 1 }, (_, i) => {
    const name = instancePlanName(first.name, i + 2);
    const port = portOf(name, 0);
    const metricsPort = portOf(metricsPortName(name), 0);
    return {
      ...first,
      name,
      instance: i + 2,
      port,
      metricsPort,
      url: urlOf(name, port),
      env: { ...first.env, PORT: String(port), OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) },
    };
  });
}

/** `orders-1/checkout#2`: the plan name of a component's second instance. */
export const instancePlanName = (component: string, instance: number) => (instance === 1 ? component : `${component}#${instance}`);

/** Most instances of one component `SCALE` may ask for. */
export const MAX_INSTANCES = 8;

/**
 * `SCALE=orders/checkout=2,products/gateway=2` → how many instances of which component: `<cell>/<component>`
 * for every partition of a partitioned cell, `<partition>/<component>` for one. Only a component without a
 * datastore of its own can run several times: one that owns a SQLite file is its only writer (the cell
 * scales by partitions instead), and so is gateway-global (its accounts).
 */
export function parseScale(text: string | undefined, system: readonly CellDescriptor[]): Map<string, number> {
  const scale = new Map<string, number>();
  for (const item of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)=(\d+)$/.exec(item);
    if (!match) throw new Error(`SCALE: "${item}" is not <cell>/<component>=<instances>, e.g. orders/checkout=2`);
    const [target, count] = [match[1]!, Number(match[2])];
    for (const name of scaledComponents(target, system)) scale.set(name, instancesWithin(target, count));
  }
  return scale;
}

function instancesWithin(target: string, count: number): number {
  if (count < 1 || count > MAX_INSTANCES) throw new Error(`SCALE: ${target} may run 1 to ${MAX_INSTANCES} instances, not ${count}`);
  return count;
}

/** The plan names `target` stands for (`orders/checkout` → orders-1/checkout, orders-2/checkout), or why it cannot scale. */
export function scaledComponents(target: string, system: readonly CellDescriptor[]): string[] {
  if (target === globalGateway.name)
    throw new Error(
      `${target} runs once: it owns accounts.db (the customers who signed up; SQLite, one writer). Put several behind a load balancer only once accounts live in a store of their own.`,
    );
  const [cellName, componentName, ...extra] = target.split('/');
  const cells = system.filter((c) => instanceName(c) === cellName || (c.partition && c.name === cellName));
  if (!cells.length || !componentName || extra.length)
    throw new Error(`SCALE: ${target} is not <cell>/<component> of this system (cells: ${system.map(instanceName).join(', ')})`);
  const cell = cells[0]!;
  if (componentName !== 'gateway') {
    const component = cell.components.find((c) => c.name === componentName);
    if (!component)
      throw new Error(
        `SCALE: the ${cell.name} cell has no component ${componentName} (it has gateway, ${cell.components.map((c) => c.name).join(', ')})`,
      );
    if (component.datastore)
      throw new Error(
        `${target} runs once: it owns ${component.datastore} (SQLite, one writer). ${
          cell.partitions
            ? `The ${cell.name} cell scales by partitions (${partitionCountVar(cell.name)}).`
            : `Scale the components of the ${cell.name} cell that hold no data (gateway${cell.components
                .filter((c) => !c.datastore)
                .map((c) => `, ${c.name}`)
                .join('')}).`
        }`,
      );
  }
  return cells.map((c) => `${instanceName(c)}/${componentName}`);
}

export const cellNames = (): string[] => cells.map((c: CellDescriptor) => c.name);

/** `ORDERS_PARTITIONS=<n>` for every partitioned cell, as `source` or the descriptor says. */
export const partitionCounts = (source: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(cells.filter((c) => c.partitions).map((c) => [partitionCountVar(c.name), String(partitionCount(c, source))]));
