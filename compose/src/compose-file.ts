import { posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { clientSecretVar } from '@retail/gateway-global';
import { cells as allCells, globalGateway } from '@retail/topology';
import type { CellDescriptor, ComponentDescriptor } from '@retail/descriptor';
import { composeNatsOptions, defaultNatsPassword, natsPasswordVar, natsUserNames } from './nats-auth.ts';
import { planSystem, repoRoot, type ProcessPlan } from './plan.ts';
import { BUNDLE } from './build.ts';

/**
 * compose/compose.yaml, derived from the cell descriptors through the same process plan as `npm start`
 * (planSystem), with containers addressed by service name instead of 127.0.0.1:port.
 *
 * Networks — the cell boundary made physical:
 *   edge           gateway-global, every cell gateway, components that call other cells (they meet only
 *                  gateways there) and the trace collector; the one network with a way in (published
 *                  ports) and out
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
/** Services allowed to publish ports: the public entry and the tracing UI. */
export const PUBLISHING_SERVICES = [globalGateway.name, 'jaeger'] as const;

const APP_DIR = '/app';
const DATA_DIR = '/data';
const NATS_URL = `nats://nats:${composeNatsOptions.port}`;
const OTLP_ENDPOINT = 'http://jaeger:4318';
/** What clients (and so the token issuer) call gateway-global; set PUBLIC_URL when GATEWAY_PORT changes. */
const PUBLIC_URL = '${PUBLIC_URL:-http://localhost:8080}';

/** `products/catalog` → `products-catalog`; `gateway-global` stays. */
export const serviceName = (planName: string) => planName.replace(/\//g, '-');

/** `${NAME:-fallback}`: a value the operator may set in the environment or compose/.env. */
const fromEnv = (name: string, fallback: string) => `\${${name}:-${fallback}}`;

// The node images have neither curl nor wget: node itself asks the service whether it is ready.
const NODE_READY = "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";
const healthcheck = (test: string[]) => ({ test: ['CMD', ...test], interval: '5s', timeout: '5s', retries: 10, start_period: '60s' });
const healthy = (services: string[]) => Object.fromEntries(services.map((s) => [s, { condition: 'service_healthy' }]));

const usesEvents = (c: ComponentDescriptor) => Boolean(c.publishes?.length || c.consumes?.length);
/** The same `${NATS_PASSWORD_<USER>}` reaches nats-server's config and the user's processes. */
const natsPasswordFromEnv = (user: string) => fromEnv(natsPasswordVar(user), defaultNatsPassword(user));
const withoutNats = ({ NATS_URL: _url, NATS_USER: _user, NATS_PASS: _pass, ...env }: Record<string, string>) => env;
const cellSecret = (cell: string) => fromEnv(`CELL_SECRET_${cell.toUpperCase()}`, `${cell}-cell-secret`);
const clientSecret = (cell: string) => fromEnv(clientSecretVar(cell), `${cell}-dev-secret`);

export interface ComposeService {
  image: string;
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

/** The whole system as a compose model. */
export function composeModel(cells: readonly CellDescriptor[] = allCells): ComposeFile {
  const plans = planSystem({
    dataDir: DATA_DIR,
    natsUrl: NATS_URL,
    natsPassword: natsPasswordFromEnv,
    host: '0.0.0.0',
    urlOf: (name, port) => `http://${serviceName(name)}:${port}`,
    issuer: PUBLIC_URL,
    logLevel: '${LOG_LEVEL:-info}',
  });
  const services: Record<string, ComposeService> = {};
  const volumes: Record<string, Record<string, never>> = { 'nats-data': {} };
  const networks: ComposeFile['networks'] = { [EDGE_NETWORK]: {} };
  const planOf = (name: string) => plans.find((p) => p.name === name)!;

  for (const cell of cells) {
    networks[cell.name] = { internal: true };
    networks[busNetwork(cell.name)] = { internal: true };
    for (const component of cell.components) {
      const plan = planOf(`${cell.name}/${component.name}`);
      // Only components that use events get NATS credentials.
      const env: Record<string, string> = {
        ...(usesEvents(component) ? plan.env : withoutNats(plan.env)),
        CELL_SECRET: cellSecret(cell.name),
      };
      if (component.calls?.length) env.CLIENT_SECRET = clientSecret(cell.name);
      const volume = component.datastore ? `${serviceName(plan.name)}-data` : undefined;
      if (volume) volumes[volume] = {};
      // Every component is on its cell's bus, for the trace collector even if it had no events.
      services[serviceName(plan.name)] = nodeService(plan, env, {
        networks: [cell.name, busNetwork(cell.name), ...(component.calls?.length ? [EDGE_NETWORK] : [])],
        volume,
        dependsOn: usesEvents(component) ? ['nats'] : [],
      });
    }
    const gateway = planOf(`${cell.name}/gateway`);
    volumes[`${serviceName(gateway.name)}-keys`] = {};
    services[serviceName(gateway.name)] = nodeService(
      gateway,
      { ...gateway.env, CELL_SECRET: cellSecret(cell.name) },
      {
        networks: [EDGE_NETWORK, cell.name],
        volume: `${serviceName(gateway.name)}-keys`,
        dependsOn: cell.components.map((c) => serviceName(`${cell.name}/${c.name}`)),
      },
    );
  }

  const global = planOf(globalGateway.name);
  networks[busNetwork(EDGE_NETWORK)] = { internal: true };
  volumes['gateway-global-keys'] = {};
  services[globalGateway.name] = nodeService(
    global,
    { ...global.env, ...Object.fromEntries(cells.map((c) => [clientSecretVar(c.name), clientSecret(c.name)])) },
    {
      networks: [EDGE_NETWORK, busNetwork(EDGE_NETWORK)],
      volume: 'gateway-global-keys',
      dependsOn: ['nats', ...cells.map((c) => serviceName(`${c.name}/gateway`))],
      ports: [`\${GATEWAY_PORT:-${globalGateway.port}}:${global.port}`],
    },
  );

  services.nats = {
    image: NATS_IMAGE,
    // Starts with a flag, so the image's entrypoint runs nats-server with it.
    command: ['--config', '/etc/nats/nats.conf'],
    environment: Object.fromEntries(natsUserNames(cells).map((user) => [natsPasswordVar(user), natsPasswordFromEnv(user)])),
    volumes: [`nats-data:${composeNatsOptions.storeDir}`, './nats/nats.conf:/etc/nats/nats.conf:ro'],
    networks: [...cells.map((c) => busNetwork(c.name)), busNetwork(EDGE_NETWORK)],
    // The alpine variant has busybox wget; the monitoring port answers /healthz once JetStream is up.
    healthcheck: healthcheck(['wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${composeNatsOptions.monitorPort}/healthz`]),
    restart: 'unless-stopped',
  };

  // Nothing depends on the trace collector: exporting spans is best effort.
  services.jaeger = {
    image: JAEGER_IMAGE,
    ports: ['${JAEGER_UI_PORT:-16686}:16686'],
    networks: [EDGE_NETWORK, ...cells.map((c) => busNetwork(c.name))],
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

function nodeService(
  plan: ProcessPlan,
  env: Record<string, string>,
  options: { networks: string[]; volume?: string; dependsOn: string[]; ports?: string[] },
): ComposeService {
  return {
    image: IMAGE,
    build: { context: '..', dockerfile: 'compose/Dockerfile' },
    working_dir: posix.join(APP_DIR, relative(repoRoot, plan.dir).split('\\').join('/')),
    command: ['node', BUNDLE],
    // Jaeger takes traces only: metrics are served for Prometheus (set `otlp,prometheus` with a collector).
    environment: {
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_ENDPOINT,
      OTEL_METRICS_EXPORTER: 'prometheus',
      DEPLOYMENT_ENVIRONMENT: 'compose',
    },
    ...(options.ports ? { ports: options.ports } : {}),
    ...(options.volume ? { volumes: [`${options.volume}:${DATA_DIR}`] } : {}),
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
const FLOW_LISTS = new Set(['command', 'networks', 'test', 'ports', 'dns_opt']);

/** The committed file's text. YAML 1.1 quoting, so that docker-compose 1.29's parser reads every value as written. */
export function composeYaml(cells: readonly CellDescriptor[] = allCells): string {
  const doc = new Document(composeModel(cells), { version: '1.1' });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FLOW_LISTS.has(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  const top = doc.contents;
  const services = doc.get('services');
  if (isMap(top)) for (const item of top.items.slice(1)) if (isScalar(item.key)) item.key.spaceBefore = true;
  if (isMap(services)) for (const item of services.items.slice(1)) if (isScalar(item.key)) item.key.spaceBefore = true;
  return HEADER + doc.toString({ lineWidth: 0 });
}
