import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { globalGateway, systemCells } from '@retail/topology';
import { instanceName } from '@retail/descriptor';

// The running system: each partition of the orders cell is a cell of its own in compose.
const cells = systemCells({});
import {
  busNetwork,
  composeFilePath,
  composeYaml,
  EDGE_NETWORK,
  egressNetwork,
  PUBLISHING_SERVICES,
  SETUP_SERVICE,
  TELEMETRY_NETWORK,
  type ComposeFile,
  type ComposeService,
} from './compose-file.ts';
import { secretGrants, serviceName, storedSecretNames } from './secrets.ts';
import { repoRoot } from './plan.ts';

// The static checks read the committed file, as docker compose would.
const committedText = readFileSync(composeFilePath, 'utf8');
const committed = parse(committedText) as ComposeFile;
const clone = (): ComposeFile => structuredClone(committed);

/** Who is who, from the descriptors (never from the file under test). */
const cellOf = new Map<string, string>();
const gateways = new Set<string>([globalGateway.name]);
const callers = new Set<string>();
for (const cell of cells) {
  gateways.add(serviceName(`${instanceName(cell)}/gateway`));
  for (const c of cell.components) {
    cellOf.set(serviceName(`${instanceName(cell)}/${c.name}`), instanceName(cell));
    if (c.calls?.length) callers.add(serviceName(`${instanceName(cell)}/${c.name}`));
  }
}
const members = (file: ComposeFile, network: string) =>
  Object.keys(file.services).filter((s) => file.services[s]!.networks.includes(network));
const shared = (a: ComposeService, b: ComposeService) => a.networks.filter((n) => b.networks.includes(n));
const sorted = (items: Iterable<string>) => [...items].sort();

/** Only a cell's gateway and its own components are on the cell's network, which has no way out. */
function cellNetworkViolations(file: ComposeFile): string[] {
  return cells.flatMap((cell) => {
    const expected = sorted([
      serviceName(`${instanceName(cell)}/gateway`),
      ...cell.components.map((c) => serviceName(`${instanceName(cell)}/${c.name}`)),
    ]);
    const actual = sorted(members(file, instanceName(cell)));
    const problems =
      JSON.stringify(actual) === JSON.stringify(expected)
        ? []
        : [`network ${instanceName(cell)} holds ${actual.join(', ')}; expected ${expected.join(', ')}`];
    if (file.networks[instanceName(cell)]?.internal !== true) problems.push(`network ${instanceName(cell)} is not internal`);
    return problems;
  });
}

/** A cell's services sit on their own cell network and their cell's bus; a cross-cell caller also on the edge. */
function serviceNetworkViolations(file: ComposeFile): string[] {
  return [...cellOf].flatMap(([service, cell]) => {
    const allowed = [cell, busNetwork(cell), ...(callers.has(service) ? [egressNetwork(cell)] : [])];
    const extra = file.services[service]!.networks.filter((n) => !allowed.includes(n));
    return extra.length ? [`${service} (cell ${cell}) is also on ${extra.join(', ')}`] : [];
  });
}

/**
 * No service outside a cell can reach that cell's services: nothing of another cell (nor gateway-global)
 * shares a network with them. The one exception is the edge, where a component that calls other cells
 * meets gateways only — never another cell's services.
 */
function reachabilityViolations(file: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [service, cell] of cellOf) {
    for (const [other, definition] of Object.entries(file.services)) {
      const otherCell =
        cellOf.get(other) ?? (gateways.has(other) && other !== globalGateway.name ? other.replace(/-gateway$/, '') : undefined);
      const isPlatform = !cellOf.has(other) && !gateways.has(other);
      if (other === service || otherCell === cell || isPlatform) continue;
      const via = shared(file.services[service]!, definition);
      const allowed = gateways.has(other) && callers.has(service) ? [egressNetwork(cell)] : [];
      const offending = via.filter((n) => !allowed.includes(n));
      if (offending.length) problems.push(`${other} can reach ${service} (cell ${cell}) over ${offending.join(', ')}`);
    }
  }
  return problems;
}

/** A cell's bus carries only NATS and that cell's components. */
/** A cell's bus holds NATS, its components and its own gateway (which registers itself and finds its components there). */
function busViolations(file: ComposeFile): string[] {
  return cells.flatMap((cell) => {
    const own = (s: string) => cellOf.get(s) === instanceName(cell) || s === serviceName(`${instanceName(cell)}/gateway`);
    const strangers = members(file, busNetwork(instanceName(cell))).filter((s) => s !== 'nats' && !own(s));
    const problems = strangers.length ? [`${busNetwork(instanceName(cell))} also holds ${strangers.join(', ')}`] : [];
    if (file.networks[busNetwork(instanceName(cell))]?.internal !== true)
      problems.push(`${busNetwork(instanceName(cell))} is not internal`);
    return problems;
  });
}

/** Every http:// or nats:// address a service is given names a service it shares a network with, on that service's port. */
function addressViolations(file: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [service, definition] of Object.entries(file.services)) {
    for (const [name, value] of Object.entries(definition.environment ?? {})) {
      const match = /^(?:https?|nats):\/\/([^:/$]+):(\d+)/.exec(String(value));
      if (!match) continue;
      const [, host, port] = match;
      const target = file.services[host!];
      if (!target) problems.push(`${service}: ${name} names ${host}, which is not a service`);
      else if (!shared(definition, target).length) problems.push(`${service}: ${name} names ${host}, which it shares no network with`);
      else if (target.environment?.PORT && target.environment.PORT !== port)
        problems.push(`${service}: ${name} uses port ${port}; ${host} listens on ${target.environment.PORT}`);
    }
  }
  return problems;
}

it('is what the generator makes from the descriptors (run `npm run generate:compose` after changing a cell)', () => {
  expect(committedText).toBe(composeYaml());
});

it('runs as many orders partitions as ORDERS_PARTITIONS says, and tells every service and setup how many', () => {
  const three = parse(composeYaml({ ORDERS_PARTITIONS: '3' })) as ComposeFile;
  for (const component of ['gateway', 'orders', 'checkout']) expect(three.services[`orders-3-${component}`]).toBeDefined();
  expect(three.services['orders-4-gateway']).toBeUndefined();
  expect(three.services[SETUP_SERVICE]!.environment).toMatchObject({
    ORDERS_PARTITIONS: '3',
    CLIENT_SECRET_ORDERS_3: expect.stringContaining('CLIENT_SECRET_ORDERS_3'),
  });
  expect(three.services['orders-3-checkout']!.environment).toMatchObject({ ORDERS_PARTITIONS: '3', CELL_PARTITION: 'orders-3' });
  expect(three.services['gateway-global']!.environment).toMatchObject({
    ORDERS_PARTITIONS: '3',
    ORDERS_3_GATEWAY_URL: 'http://orders-3-gateway:4610',
  });
});

it('runs every component of every cell, each cell gateway, gateway-global, setup, NATS and Jaeger', () => {
  const expected = [...cellOf.keys(), ...[...gateways], SETUP_SERVICE, 'nats', 'jaeger'];
  expect(sorted(Object.keys(committed.services))).toEqual(sorted(expected));
});

it('gives every service a healthcheck, and makes every dependency wait for a healthy service — never for Jaeger', () => {
  for (const [service, definition] of Object.entries(committed.services)) {
    expect(definition.healthcheck?.test?.[0], `${service} has a healthcheck`).toBe('CMD');
    if (definition.command?.[0] === 'node' && service !== SETUP_SERVICE)
      expect(Object.keys(definition.depends_on ?? {}), `${service} waits for its secrets`).toContain(SETUP_SERVICE);
    for (const [dependency, { condition }] of Object.entries(definition.depends_on ?? {})) {
      expect(committed.services[dependency], `${service} depends on ${dependency}`).toBeDefined();
      // NATS only waits for setup to start (it waits for its passwords file itself): setup waits for NATS.
      expect(condition, `${service} → ${dependency}`).toBe(service === 'nats' ? 'service_started' : 'service_healthy');
      expect(dependency, `${service} must not wait for the trace collector`).not.toBe('jaeger');
    }
    // setup waits for NATS itself, which waits for the passwords setup writes.
    if (definition.environment?.NATS_URL && service !== SETUP_SERVICE)
      expect(Object.keys(definition.depends_on ?? {}), `${service} uses NATS`).toContain('nats');
  }
});

it('has every Node service ask its resolver again after 1 s, well inside a caller’s 3 s timeout', () => {
  for (const [service, definition] of Object.entries(committed.services)) {
    if (definition.command?.[0] !== 'node') continue;
    expect(definition.dns_opt, service).toEqual(['timeout:1', 'attempts:3']);
  }
});

it('publishes ports only for gateway-global and the tracing UI', () => {
  const publishing = Object.entries(committed.services)
    .filter(([, d]) => d.ports?.length)
    .map(([s]) => s);
  expect(sorted(publishing)).toEqual(sorted(PUBLISHING_SERVICES));
  expect(committed.services[globalGateway.name]!.ports).toEqual([
    `\${GATEWAY_PORT:-8080}:${committed.services[globalGateway.name]!.environment!.PORT}`,
  ]);
});

it('keeps each cell behind its gateway: cell networks, bus networks and reachability', () => {
  expect(cellNetworkViolations(committed)).toEqual([]);
  expect(serviceNetworkViolations(committed)).toEqual([]);
  expect(reachabilityViolations(committed)).toEqual([]);
  expect(busViolations(committed)).toEqual([]);
  // The edge is where gateways meet, and nothing else; a cell's callers meet the gateways on its own egress network.
  expect(members(committed, EDGE_NETWORK).filter((s) => !gateways.has(s))).toEqual([]);
  for (const caller of callers) {
    const network = egressNetwork(cellOf.get(caller)!);
    expect(
      members(committed, network).filter((s) => !gateways.has(s)),
      network,
    ).toEqual([caller]);
    expect(committed.networks[network]?.internal, network).toBe(true);
  }
  // The trace collector sees the gateways only (they relay their cells' spans), and shows its UI on loopback only.
  expect(sorted(members(committed, TELEMETRY_NETWORK))).toEqual(sorted([...gateways, 'jaeger']));
  expect(committed.services.jaeger!.networks).toEqual([TELEMETRY_NETWORK]);
  expect(committed.services.jaeger!.ports).toEqual([`127.0.0.1:\${JAEGER_UI_PORT:-16686}:16686`]);
});

it('catches a service put on another cell’s network, or onto a shared bus', () => {
  const crossed = clone();
  crossed.services['products-catalog']!.networks.push('orders-1');
  expect(cellNetworkViolations(crossed)).toEqual([expect.stringContaining('network orders-1 holds')]);
  expect(serviceNetworkViolations(crossed)).toEqual(['products-catalog (cell products) is also on orders-1']);
  expect(reachabilityViolations(crossed)).toContain('products-catalog can reach orders-1-orders (cell orders-1) over orders-1');

  // One partition's caller on another partition's egress network: the partitions would meet.
  const partitions = clone();
  partitions.services['orders-2-checkout']!.networks.push(egressNetwork('orders-1'));
  expect(reachabilityViolations(partitions)).toContain(
    'orders-2-checkout can reach orders-1-checkout (cell orders-1) over orders-1-egress',
  );

  const oneBus = clone();
  oneBus.services['inventory-stock']!.networks.push(busNetwork('products'));
  expect(reachabilityViolations(oneBus)).toContain('inventory-stock can reach products-browse (cell products) over products-bus');
  expect(busViolations(oneBus)).toEqual(['products-bus also holds inventory-stock']);

  const exposed = clone();
  exposed.services['orders-1-orders']!.networks.push(EDGE_NETWORK);
  expect(reachabilityViolations(exposed)).toContain('gateway-global can reach orders-1-orders (cell orders-1) over edge');
});

it('points every address a service is given at a service it can reach, on its port', () => {
  expect(addressViolations(committed)).toEqual([]);
  const unreachable = clone();
  unreachable.services['inventory-allocation']!.environment!.CATALOG_URL = 'http://products-catalog:4101';
  expect(addressViolations(unreachable)).toEqual([
    'inventory-allocation: CATALOG_URL names products-catalog, which it shares no network with',
  ]);
});

it('signs tokens with the public issuer that the cell gateways pin, and fetches keys inside the edge', () => {
  const issuer = committed.services[globalGateway.name]!.environment!.ISSUER;
  expect(issuer).toMatch(/^\$\{PUBLIC_URL:-http:\/\/localhost:8080\}$/);
  for (const cell of cells) {
    const env = committed.services[serviceName(`${instanceName(cell)}/gateway`)]!.environment!;
    expect(env.TOKEN_ISSUER).toBe(issuer);
    expect(env.JWKS_URL).toBe('http://gateway-global:8080/.well-known/jwks.json');
  }
});

it('gives each datastore and each key store its own named volume at the service’s DATA_DIR', () => {
  const mounts = Object.entries(committed.services).flatMap(([service, d]) =>
    (d.volumes ?? []).map((v) => ({ service, volume: v.split(':')[0]!, path: v.split(':')[1] })),
  );
  // Secrets volumes are the one kind mounted twice: by setup, which writes them, and by their service.
  const named = mounts.filter(
    (m) => committed.volumes[m.volume] !== undefined && m.service !== SETUP_SERVICE && !m.volume.endsWith('-secrets'),
  );
  expect(new Set(named.map((m) => m.volume)).size, 'no named volume is shared').toBe(named.length);
  expect(sorted(Object.keys(committed.volumes).filter((v) => !v.endsWith('-secrets') && v !== 'setup-store'))).toEqual(
    sorted(named.map((m) => m.volume)),
  );
  const stateful = [
    ...gateways,
    ...cells.flatMap((c) => c.components.filter((k) => k.datastore).map((k) => serviceName(`${instanceName(c)}/${k.name}`))),
  ];
  for (const service of stateful) {
    const mount = named.find((m) => m.service === service);
    expect(mount, `${service} keeps its files in a named volume`).toBeDefined();
    expect(mount!.path).toBe(committed.services[service]!.environment!.DATA_DIR);
  }
  expect(named.find((m) => m.service === 'nats')?.path).toBe('/data');
});

it('runs each node service from its own package, listening on every interface, sending spans through a gateway', () => {
  for (const [service, d] of Object.entries(committed.services)) {
    if (d.image !== committed.services[globalGateway.name]!.image || service === SETUP_SERVICE) continue;
    expect(d.build, service).toEqual({ context: '..', dockerfile: 'compose/Dockerfile' });
    expect(d.command).toEqual(['node', 'dist/main.mjs']);
    expect(
      existsSync(join(repoRoot, d.working_dir!.replace(/^\/app\//, ''), 'src/main.ts')),
      `${service}: ${d.working_dir}/src/main.ts`,
    ).toBe(true);
    expect(d.environment!.HOST).toBe('0.0.0.0');
    const cell = cellOf.get(service);
    expect(d.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(
      cell ? `http://${cell}-gateway:${committed.services[`${cell}-gateway`]!.environment!.PORT}` : 'http://jaeger:4318',
    );
    if (!cell && service !== globalGateway.name)
      expect(d.environment!.OTLP_RELAY_URL, `${service} relays its cell's spans`).toBe('http://jaeger:4318');
  }
  expect(committed.services.nats!.volumes).toContain('./nats/nats.conf:/etc/nats/nats.conf:ro');
  expect(existsSync(join(repoRoot, 'compose/nats/nats.conf'))).toBe(true);
});

it('builds one image that runs as a non-root user with production dependencies only', () => {
  const dockerfile = readFileSync(join(repoRoot, 'compose/Dockerfile'), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?/gim)].map((m) => ({ image: m[1]!, name: m[2] }));
  const baseImages = stages.filter((s) => !stages.some((earlier) => earlier.name === s.image)).map((s) => s.image);
  expect(baseImages.length).toBeGreaterThan(0);
  for (const image of baseImages) expect(image).toMatch(/^node:24(-bookworm)?-slim$/);
  expect(dockerfile).toMatch(/npm ci --omit=dev/);
  const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
  expect(users.at(-1)).toBe('node');
});

describe('secrets', () => {
  const grants = secretGrants(cells);
  const SECRET_VARIABLE = /PASS|SECRET|PASSWORD/;

  it('hands no service a secret in its environment: only files, from its own secrets volume', () => {
    for (const [service, d] of Object.entries(committed.services)) {
      if (service === SETUP_SERVICE) continue;
      const inline = Object.keys(d.environment ?? {}).filter((name) => SECRET_VARIABLE.test(name) && !name.endsWith('_FILE'));
      expect(inline, `${service} has secrets in its environment`).toEqual([]);
    }
    for (const [process, own] of Object.entries(grants)) {
      const d = committed.services[serviceName(process)]!;
      for (const variable of Object.keys(own))
        expect(d.environment![`${variable}_FILE`], `${process} ${variable}`).toBe(`/secrets/${variable}`);
      expect(d.volumes).toContain(`${serviceName(process)}-secrets:/secrets:ro`);
    }
  });

  it('mounts each secrets volume into its service and setup only', () => {
    for (const volume of Object.keys(committed.volumes).filter((v) => v.endsWith('-secrets'))) {
      const users = Object.entries(committed.services)
        .filter(([, d]) => d.volumes?.some((v) => v.startsWith(`${volume}:`)))
        .map(([s]) => s);
      expect(sorted(users), volume).toEqual(sorted([SETUP_SERVICE, volume.replace(/-secrets$/, '')]));
    }
  });

  it('grants each process only what it uses: its own workload credential, its partition’s NATS user and client', () => {
    expect(grants['orders-2/checkout']).toEqual({
      WORKLOAD_SECRET: 'WORKLOAD_SECRET_ORDERS_2_CHECKOUT',
      NATS_PASS: 'NATS_PASSWORD_ORDERS_2',
      CLIENT_SECRET: 'CLIENT_SECRET_ORDERS_2',
    });
    expect(grants['orders-2/gateway']).toEqual({
      NATS_PASS: 'NATS_PASSWORD_ORDERS_2',
      WORKLOAD_SECRET_ORDERS: 'WORKLOAD_SECRET_ORDERS_2_ORDERS',
      WORKLOAD_SECRET_CHECKOUT: 'WORKLOAD_SECRET_ORDERS_2_CHECKOUT',
    });
    expect(Object.keys(grants[globalGateway.name]!)).toEqual(expect.arrayContaining(['CLIENT_SECRET_ORDERS_1', 'CLIENT_SECRET_ORDERS_2']));
    expect(Object.keys(grants[globalGateway.name]!)).not.toContain('NATS_PASSWORD_SYSTEM');
    expect(Object.values(grants).flatMap((own) => Object.values(own))).not.toContain('NATS_PASSWORD_SYSTEM');
  });

  it('lets the operator provide any secret to setup, and generates the rest', () => {
    const setup = committed.services[SETUP_SERVICE]!;
    for (const name of storedSecretNames(cells)) expect(setup.environment![name], name).toBe(`\${${name}:-}`);
    expect(committed.services[globalGateway.name]!.environment!.DEMO_USERS).toBe(`\${DEMO_USERS:-false}`);
    expect(committed.services.nats!.volumes).toContain('nats-secrets:/etc/nats/secrets:ro');
    expect(committed.services.nats!.environment).toBeUndefined();
  });
});
