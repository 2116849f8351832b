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
    LOG_LEVEL: options.logLevel ?? 'info',
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
              component.calls.map((other) => [
                gatewayUrlVar(other),
                urlOf(`${other}/gateway`, portOf(`${other}/gateway`, cellByName(other).gateway.port)),
              ]),
            ),
          }
        : {};
      plans.push({
        name,
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
  return plans;
}

function cellByName(name: string): CellDescriptor {
  const cell = cells.find((c) => c.name === name);
  if (!cell) throw new Error(`unknown cell ${name}`);
  return cell;
}

export const cellNames = (): string[] => cells.map((c: CellDescriptor) => c.name);

/** `ORDERS_PARTITIONS=<n>` for every partitioned cell, as `source` or the descriptor says. */
export const partitionCounts = (source: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(cells.filter((c) => c.partitions).map((c) => [partitionCountVar(c.name), String(partitionCount(c, source))]));
