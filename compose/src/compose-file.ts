import { posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { globalGateway, systemCells } from '@retail/topology';
import { callTargets, instanceName } from '@retail/descriptor';
import { composeNatsNodes, composeNatsOptions, NATS_PASSWORDS_FILE } from './nats-auth.ts';
import { NATS_ROUTES_FILE, natsNodes } from './nats-cluster.ts';
import { SECRETS_MOUNT, secretGrants, serviceName, storedSecretNames } from './secrets.ts';
import { parseScale, partitionCounts, planSystem, repoRoot, type ProcessPlan } from './plan.ts';
import { BUNDLE } from './build.ts';

/**
 * compose/compose.yaml, derived from the cell descriptors through the same process plan as `npm start`
 * (planSystem), with containers addressed by service name instead of 127.0.0.1:port.
 *
 * Networks — the cell boundary made physical:
 *   edge           gateway-global and every cell gateway; the one network with a way in (published
 *                  ports) and out
 *   <cell>-egress  internal: one cell's components that call other cells, with the gateways they call
 *                  and gateway-global (their token service): two partitions' callers never meet
 *   <cell>         internal: the cell's gateway and its components, nothing else
 *   <cell>-bus     internal: the cell's components, NATS and the trace collector; one per cell, so the
 *                  platform is never a path from one cell's services to another's
 *   edge-bus       internal: NATS for gateway-global's live event feed
 */

export const composeFilePath = fileURLToPath(new URL('../compose.yaml', import.meta.url));
export const PROJECT = 'cellular-retail';
/** One image for every component; each service runs its bundle, `node dist/main.mjs`, in its own package folder. */
export const IMAGE = 'cellular-retail:local';
/** nats:2 in its alpine variant: the default variant is built from scratch, with no wget for a healthcheck. */
export const NATS_IMAGE = 'nats:2-alpine';
/** Jaeger v2 all-in-one: OTLP on 4318, UI on 16686, health on 13133/status; alpine-based, so wget is there. */
export const JAEGER_IMAGE = 'jaegertracing/jaeger:2.13.0';
export const EDGE_NETWORK = 'edge';
export const busNetwork = (cell: string) => `${cell}-bus`;
/** Where a running cell's callers meet the gateways they call (and the token service), and nothing else. */
export const egressNetwork = (cell: string) => `${cell}-egress`;
/** The trace collector and the gateways, which relay their cell's spans to it. */
export const TELEMETRY_NETWORK = 'telemetry';
/** Services allowed to publish ports: the public entry and the tracing UI. */
export const PUBLISHING_SERVICES = [globalGateway.name, 'jaeger'] as const;

const APP_DIR = '/app';
const DATA_DIR = '/data';
/** Every node's address (NATS_URL): clients fail over among them. */
const natsUrlOf = (nodes: readonly string[]) => nodes.map((node) => `nats://${node}:${composeNatsOptions.port}`).join(',');
const OTLP_ENDPOINT = 'http://jaeger:4318';
/** A cell's components send their spans to their cell gateway, which relays them to the collector. */
const tracedThrough = (env: Record<string, string>) => ({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: env.CELL_GATEWAY_URL! });
/**
 * nats-server waits for the passwords setup writes into its secrets volume (on a first start, a moment);
 * a cluster's node for its routes too, and it runs under its service's name.
 */
const natsStart = (node?: string) =>
  node
    ? `until [ -s /etc/nats/secrets/${NATS_PASSWORDS_FILE} ] && [ -s /etc/nats/secrets/${NATS_ROUTES_FILE} ]; do sleep 0.2; done; exec nats-server --config /etc/nats/nats.conf --name ${node}`
    : `until [ -s /etc/nats/secrets/${NATS_PASSWORDS_FILE} ]; do sleep 0.2; done; exec nats-server --config /etc/nats/nats.conf`;
/** What clients (and so the token issuer) call gateway-global; set PUBLIC_URL when GATEWAY_PORT changes. */
const PUBLIC_URL = '${PUBLIC_URL:-http://localhost:8080}';

/** `${NAME:-fallback}`: a value the operator may set in the environment or compose/.env. */
const fromEnv = (name: string, fallback: string) => `\${${name}:-${fallback}}`;

// The node images have neither curl nor wget: node itself asks the service whether it is ready.
const NODE_READY = "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";
const healthcheck = (test: string[]) => ({ test: ['CMD', ...test], interval: '5s', timeout: '5s', retries: 10, start_period: '60s' });
const healthy = (services: string[]) => Object.fromEntries(services.map((s) => [s, { condition: 'service_healthy' }]));

/** The setup service (setup.ts): secrets and streams, before anything else starts. */
export const SETUP_SERVICE = 'setup';
const SETUP_STORE = '/setup-store';
const SETUP_OUT = '/out';
const SETUP_READY = '/tmp/setup-ready';
/** The volume that carries one service's secrets from setup to that service alone. */
const secretsVolume = (service: string) => `${service}-secrets`;

/** A process's secrets leave its environment: it gets `<VAR>_FILE`, a file in its own secrets volume. */
function withSecretFiles(env: Record<string, string>, grants: Record<string, string>): Record<string, string> {
  const rest = Object.fromEntries(Object.entries(env).filter(([name]) => !(name in grants)));
  return { ...rest, ...Object.fromEntries(Object.keys(grants).map((name) => [`${name}_FILE`, posix.join(SECRETS_MOUNT, name)])) };
}

export interface ComposeService {
  image: string;
  user?: string;
  entrypoint?: string[];
  build?: { context: string; dockerfile: string };
  working_dir?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  networks: string[];
  dns_opt?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck: { test: string[]; interval: string; timeout: string; retries: number; start_period: string };
  restart: string;
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean }>;
  volumes: Record<string, Record<string, never>>;
}

/**
 * The whole system as a compose model. `partitions`: how many partitions each partitioned cell runs
 * (`ORDERS_PARTITIONS`), the descriptors' counts by default; every partition is a cell of its own.
 */
export function composeModel(partitions: Record<string, string | undefined> = {}): ComposeFile {
  const cells = systemCells(partitions);
  // NATS_NODES=3: a JetStream cluster (compose.nats-cluster.yaml), every stream on all three nodes.
  const nodes = natsNodes(partitions);
  const natsServices = composeNatsNodes(nodes);
  const NATS_URL = natsUrlOf(natsServices);
  const plans = planSystem({
    partitions,
    // SCALE=orders/checkout=2: a service per further instance (orders-1-checkout-2), found through the registry.
    scale: parseScale(partitions.SCALE, cells),
    dataDir: DATA_DIR,
    natsUrl: NATS_URL,
    host: '0.0.0.0',
    urlOf: (name, port) => `http://${serviceName(name)}:${port}`,
    issuer: PUBLIC_URL,
  });
  const services: Record<string, ComposeService> = {};
  const volumes: Record<string, Record<string, never>> = {};
  const networks: ComposeFile['networks'] = { [EDGE_NETWORK]: {} };
  const planOf = (name: string) => plans.find((p) => p.name === name)!;
  /** A component's instances: its first, then any further ones (`SCALE`). */
  const instancesOf = (name: string) => plans.filter((p) => p.name === name || p.name.startsWith(`${name}#`));
  const grants = secretGrants(cells);
  // Per running cell with callers: its egress network, and the cells they call.
  const egress = cells.flatMap((cell) => {
    const calls = [...new Set(cell.components.flatMap((c) => c.calls ?? []).flatMap((other) => callTargets(cells, other)))];
    return calls.length ? [{ network: egressNetwork(instanceName(cell)), calls }] : [];
  });
  for (const { network } of egress) networks[network] = { internal: true };
  const egressTo = (cell: string) => egress.filter((e) => e.calls.includes(cell)).map((e) => e.network);
  /**
   * A node service: its secrets as files, and it starts once setup has made them (and the streams). The
   * further instances of a component read its first instance's secrets volume.
   */
  const deployed = (plan: ProcessPlan, env: Record<string, string>, options: NodeServiceOptions) => {
    const first = plan.name.split('#')[0]!;
    const service = serviceName(first);
    volumes[secretsVolume(service)] = {};
    return nodeService(plan, withSecretFiles(env, grants[first] ?? {}), {
      ...options,
      volumes: [...options.volumes, `${secretsVolume(service)}:${SECRETS_MOUNT}:ro`],
      dependsOn: [SETUP_SERVICE, ...options.dependsOn],
    });
  };

  for (const cell of cells) {
    // A partition is a cell of its own here: its own services, networks, volumes and secrets.
    const self = instanceName(cell);
    networks[self] = { internal: true };
    networks[busNetwork(self)] = { internal: true };
    for (const component of cell.components) {
      // Every process is on its cell's bus: for its events, and for the registry and configuration.
      const volume = component.datastore ? `${serviceName(`${self}/${component.name}`)}-data` : undefined;
      if (volume) volumes[volume] = {};
      for (const plan of instancesOf(`${self}/${component.name}`))
        services[serviceName(plan.name)] = deployed(plan, tracedThrough(plan.env), {
          networks: [self, busNetwork(self), ...(component.calls?.length ? [egressNetwork(self)] : [])],
          volumes: volume ? [`${volume}:${DATA_DIR}`] : [],
          dependsOn: ['nats'],
        });
    }
    // Every instance of the gateway shares the first one's keys (its internal tokens' signing keys).
    const keys = `${serviceName(`${self}/gateway`)}-keys`;
    volumes[keys] = {};
    for (const gateway of instancesOf(`${self}/gateway`))
      services[serviceName(gateway.name)] = deployed(
        gateway,
        { ...gateway.env, OTLP_RELAY_URL: OTLP_ENDPOINT },
        {
          networks: [EDGE_NETWORK, self, busNetwork(self), TELEMETRY_NETWORK, ...egressTo(self)],
          volumes: [`${keys}:${DATA_DIR}`],
          dependsOn: ['nats', ...cell.components.map((c) => serviceName(`${self}/${c.name}`))],
        },
      );
  }

  const global = planOf(globalGateway.name);
  networks[busNetwork(EDGE_NETWORK)] = { internal: true };
  volumes['gateway-global-keys'] = {};
  services[globalGateway.name] = deployed(
    global,
    // Demo customers only when the operator asks for them; the operator account always (ADMIN_PASSWORD).
    { ...global.env, DEMO_USERS: fromEnv('DEMO_USERS', 'false') },
    {
      networks: [EDGE_NETWORK, busNetwork(EDGE_NETWORK), TELEMETRY_NETWORK, ...egress.map((e) => e.network)],
      volumes: [`gateway-global-keys:${DATA_DIR}`],
      dependsOn: ['nats', ...cells.map((c) => serviceName(`${instanceName(c)}/gateway`))],
      ports: [`\${GATEWAY_PORT:-${globalGateway.port}}:${global.port}`],
    },
  );

  // Secrets and streams first. Root, to write into fresh volumes; it serves nothing and is reachable by nobody.
  volumes['setup-store'] = {};
  volumes[secretsVolume('nats')] = {};
  services[SETUP_SERVICE] = {
    image: IMAGE,
    build: { context: '..', dockerfile: 'compose/Dockerfile' },
    user: 'root',
    working_dir: APP_DIR,
    command: ['node', 'compose/src/setup.ts'],
    // A secret set here (or in compose/.env) is used instead of a generated one.
    environment: {
      NATS_URL,
      SECRETS_STORE: SETUP_STORE,
      SECRETS_OUT: SETUP_OUT,
      SETUP_READY_FILE: SETUP_READY,
      // The same system as every service: secrets and streams for each partition, on every node.
      ...partitionCounts(partitions),
      ...(nodes > 1 ? { NATS_NODES: String(nodes) } : {}),
      ...Object.fromEntries(storedSecretNames(cells).map((name) => [name, fromEnv(name, '')])),
    },
    volumes: [
      `setup-store:${SETUP_STORE}`,
      ...[...Object.keys(grants).map(serviceName), 'nats'].map((service) => `${secretsVolume(service)}:${posix.join(SETUP_OUT, service)}`),
    ],
    networks: [busNetwork(EDGE_NETWORK)],
    dns_opt: [...DNS_OPTIONS],
    healthcheck: healthcheck(['test', '-f', SETUP_READY]),
    restart: 'on-failure',
  };

  for (const node of natsServices) {
    const data = node === 'nats' ? 'nats-data' : `${node}-data`;
    volumes[data] = {};
    services[node] = {
      image: NATS_IMAGE,
      // The passwords are in the secrets volume, written by setup; nats.conf includes them from there.
      entrypoint: ['sh', '-c', natsStart(nodes > 1 ? node : undefined)],
      volumes: [
        `${data}:${composeNatsOptions.storeDir}`,
        `./nats/${nodes > 1 ? 'nats-cluster.conf' : 'nats.conf'}:/etc/nats/nats.conf:ro`,
        `${secretsVolume('nats')}:/etc/nats/secrets:ro`,
      ],
      // A cluster's nodes meet on every bus network; their route port takes only the route password.
      networks: [...cells.map((c) => busNetwork(instanceName(c))), busNetwork(EDGE_NETWORK)],
      depends_on: { [SETUP_SERVICE]: { condition: 'service_started' } },
      // The alpine variant has busybox wget; the monitoring port answers /healthz once JetStream is up.
      healthcheck: healthcheck(['wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${composeNatsOptions.monitorPort}/healthz`]),
      restart: 'unless-stopped',
    };
  }

  // Nothing depends on the trace collector: exporting spans is best effort.
  // On a network of its own with the gateways only (cells send spans through their gateway), and its
  // UI, which has no login, published on this machine's loopback interface only.
  networks[TELEMETRY_NETWORK] = { internal: true };
  services.jaeger = {
    image: JAEGER_IMAGE,
    ports: ['127.0.0.1:${JAEGER_UI_PORT:-16686}:16686'],
    networks: [TELEMETRY_NETWORK],
    healthcheck: healthcheck(['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:13133/status']),
    restart: 'unless-stopped',
  };

  return { name: PROJECT, services, networks, volumes };
}

/**
 * The resolver's options in every Node container: a lookup whose answer is lost is asked again after 1 s
 * rather than glibc's 5 s (beyond a caller's 3 s timeout). Some engines give a container on several
 * networks one DNS server per network (podman's aardvark-dns), and drop a query now and then while
 * containers start; a service's first call to another then failed with a timeout instead of waiting 1 s.
 */
const DNS_OPTIONS = ['timeout:1', 'attempts:3'];

interface NodeServiceOptions {
  networks: string[];
  volumes: string[];
  dependsOn: string[];
  ports?: string[];
}

function nodeService(plan: ProcessPlan, env: Record<string, string>, options: NodeServiceOptions): ComposeService {
  return {
    image: IMAGE,
    build: { context: '..', dockerfile: 'compose/Dockerfile' },
    working_dir: posix.join(APP_DIR, relative(repoRoot, plan.dir).split('\\').join('/')),
    command: ['node', BUNDLE],
    // Jaeger takes traces only: metrics are served for Prometheus (set `otlp,prometheus` with a collector).
    environment: {
      OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_ENDPOINT,
      ...env,
      OTEL_METRICS_EXPORTER: 'prometheus',
      DEPLOYMENT_ENVIRONMENT: 'compose',
    },
    ...(options.ports ? { ports: options.ports } : {}),
    ...(options.volumes.length ? { volumes: options.volumes } : {}),
    networks: options.networks,
    // A copy each: one shared array would be written as a YAML anchor and aliases.
    dns_opt: [...DNS_OPTIONS],
    ...(options.dependsOn.length ? { depends_on: healthy(options.dependsOn) } : {}),
    healthcheck: healthcheck(['node', '-e', NODE_READY]),
    restart: 'unless-stopped',
  };
}

const HEADER = `# Cellular Retail as containers: docker compose -f compose/compose.yaml up --build  (see compose/README.md)
# Generated from the cell descriptors by \`npm run generate:compose\` (compose/src/compose-file.ts); do not edit.
`;

/** Short lists on one line, and a blank line between services, for a file people read. */
const FLOW_LISTS = new Set(['command', 'entrypoint', 'networks', 'test', 'ports', 'dns_opt']);

/** The committed file's text. YAML 1.1 quoting, so that docker-compose 1.29's parser reads every value as written. */
export function composeYaml(partitions: Record<string, string | undefined> = {}): string {
  return HEADER + composeText(composeModel(partitions));
}

/** A compose model as text people read: short lists on one line, a blank line between services. */
export function composeText(model: object): string {
  const doc = new Document(model, { version: '1.1' });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FLOW_LISTS.has(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  const top = doc.contents;
  const services = doc.get('services');
  if (isMap(top)) for (const item of top.items.slice(1)) if (isScalar(item.key)) item.key.spaceBefore = true;
  if (isMap(services)) for (const item of services.items.slice(1)) if (isScalar(item.key)) item.key.spaceBefore = true;
  return doc.toString({ lineWidth: 0 });
}
