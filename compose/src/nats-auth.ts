import { fileURLToPath } from 'node:url';
import { declaredDurables, inboxPrefix, kvStream, kvSubject } from '@retail/events';
import { CONFIG_BUCKET } from '@retail/config';
import { REGISTRY_BUCKET } from '@retail/registry';
import { instanceName, ownSubjects, type CellDescriptor } from '@retail/descriptor';
import { devNatsPassword } from '@retail/kernel';
import { clusterBlock, NATS_ROUTES_FILE } from './nats-cluster.ts';

/**
 * NATS authorization derived from the cell descriptors: one user per cell that may publish only on its
 * own subjects, read its own stream's info and use the durable consumers it declares, and receive only
 * on its own inboxes; a read-only `edge` user for gateway-global's live event feed; and an
 * all-permissions `system` user for tests, tools (`npm run event`) and provisionStreams, never given to a
 * service. Passwords are never written into the config: it names
 * `$NATS_PASSWORD_<USER>`, which nats-server resolves from its environment.
 */
/** A running cell's NATS user: its name, or its partition's (`orders-2`). */
export const natsUser = (cell: string) => cell;
export const natsPasswordVar = (user: string) => `NATS_PASSWORD_${user.replace(/-/g, '_').toUpperCase()}`;
/** The development password of a user (kernel's, which a deployed process refuses). */
export const defaultNatsPassword = devNatsPassword;
/** gateway-global's operator console: subscribes to every cell's events, publishes nothing. */
export const EDGE_NATS_USER = 'edge';
/** Tests, developer tools (`npm run event`) and provisionStreams: every permission. No service runs as it. */
export const SYSTEM_NATS_USER = 'system';

/**
 * Replies to requests (JetStream API answers, publish acks, pulled messages) arrive on inboxes: each
 * user's own (`_INBOX_<user>`, the prefix connectBus sets), never the shared `_INBOX`, where any user
 * could read the events another pulls.
 */
const ownInboxes = (user: string) => `${inboxPrefix(user)}.>`;
const JS_API = '$JS.API';

/** The platform's buckets every process reads: the registry and the configuration. */
const PLATFORM_BUCKETS = [REGISTRY_BUCKET, CONFIG_BUCKET];

/**
 * Reading the platform's buckets without a consumer (see kv.ts of @retail/events): their stream's info,
 * direct gets of a key's last value, and a plain subscription to their changes. Writing: only its own
 * entries in the registry (`$KV.registry.<cell>.>`), so no process can pose as another cell's instance.
 * Nobody but `system` (the operator's config tool, provisioning) writes configuration.
 */
function platformPermissions(registryName: string): NatsPermissions {
  return {
    publish: {
      allow: [
        kvSubject(REGISTRY_BUCKET, `${registryName}.>`),
        `${JS_API}.INFO`,
        ...PLATFORM_BUCKETS.flatMap((b) => [`${JS_API}.STREAM.INFO.${kvStream(b)}`, `${JS_API}.DIRECT.GET.${kvStream(b)}.>`]),
      ],
    },
    subscribe: { allow: PLATFORM_BUCKETS.map((b) => kvSubject(b, '>')) },
  };
}

export interface NatsPermissions {
  publish: { allow?: string[]; deny?: string[] };
  subscribe: { allow?: string[]; deny?: string[] };
}

export interface NatsUserSpec {
  user: string;
  /** Shown above the user in nats.conf. */
  note: string;
  /** Absent: every permission. */
  permissions?: NatsPermissions;
}

/** Every user name: one per running cell (`cells`: `systemCells`, each partition its own), then edge and system. */
export const natsUserNames = (cells: readonly CellDescriptor[]): string[] => [
  ...cells.map((c) => natsUser(instanceName(c))),
  EDGE_NATS_USER,
  SYSTEM_NATS_USER,
];

/** A user's password: `NATS_PASSWORD_<USER>` from `source` when set, else the development default. */
export const natsPasswordOf = (user: string, source: Record<string, string | undefined> = process.env): string =>
  source[natsPasswordVar(user)] || defaultNatsPassword(user);

/**
 * `NATS_PASSWORD_<USER>` for every user, as nats-server's environment needs them to load nats.conf.
 * Throws for a password nats-server would misread (see usableNatsPassword).
 */
export function natsPasswordEnv(
  cells: readonly CellDescriptor[],
  source: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env = Object.fromEntries(natsUserNames(cells).map((user) => [natsPasswordVar(user), natsPasswordOf(user, source)]));
  const unusable = Object.keys(env).filter((name) => !usableNatsPassword(env[name]!));
  if (unusable.length)
    throw new Error(
      `${unusable.join(', ')}: a NATS password must be a plain word (a letter, then letters, digits, '.', '_' or '-'; not yes/no/true/false/on/off).`,
    );
  return env;
}

/**
 * nats-server reads `$NATS_PASSWORD_...` by parsing the variable's value as a config value: `1e5` becomes
 * a number, `yes` a boolean, `a b` or `a,b` is cut short. A plain word starting with a letter stays itself.
 */
export const usableNatsPassword = (password: string) =>
  /^[A-Za-z][A-Za-z0-9._-]*$/.test(password) && !/^(true|false|yes|no|on|off)$/i.test(password);

/**
 * What one cell may do on the bus, exactly the JetStream API calls its components make (as the v3 client
 * makes them against nats-server 2.9): publish its own events and dead letters (`<cell>.>`); read its own
 * stream's info; read, pull from and ack its own durables `<cell>-<component>`. It may not create or
 * change a stream or consumer: a stream's `republish`, `sources` or subjects, or a push consumer's
 * `deliver_subject`, would have the server itself publish into other cells' subjects or capture their
 * traffic, around the publish permissions; provisionStreams (as `system`) sets them up as the descriptors
 * declare. It subscribes only to its own inboxes: no core subscription to anyone's events or replies.
 */
export function cellPermissions(cell: CellDescriptor, system: readonly CellDescriptor[]): NatsPermissions {
  const consumers = declaredDurables(cell, system).flatMap(({ stream, durable }) => [
    `${JS_API}.CONSUMER.INFO.${stream}.${durable}`,
    `${JS_API}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
    `$JS.ACK.${stream}.${durable}.>`,
  ]);
  const platform = platformPermissions(instanceName(cell));
  return {
    publish: {
      allow: unique([
        ownSubjects(cell),
        `${JS_API}.INFO`,
        `${JS_API}.STREAM.INFO.${cell.stream}`,
        ...consumers,
        ...platform.publish.allow!,
      ]),
    },
    subscribe: { allow: [ownInboxes(natsUser(instanceName(cell))), ...platform.subscribe.allow!] },
  };
}

/** `cells`: the running system (`systemCells`). */
export function natsUsers(cells: readonly CellDescriptor[]): NatsUserSpec[] {
  return [
    ...cells.map((cell) => ({
      user: natsUser(instanceName(cell)),
      note: `${cell.partition ? `partition ${cell.partition} of cell ${cell.name}` : `cell ${cell.name}`}: publishes ${ownSubjects(cell)}, stream ${cell.stream} (provisioned)${consumerNote(cell, cells)}`,
      permissions: cellPermissions(cell, cells),
    })),
    {
      user: EDGE_NATS_USER,
      note: 'gateway-global: subscribes to every cell’s events (operator console), reads the registry and the configuration, registers itself',
      permissions: edgePermissions(cells),
    },
    {
      user: SYSTEM_NATS_USER,
      note: 'tests, tools (npm run event) and provisioning the streams and consumers: every permission; no service runs as it',
    },
  ];
}

/** gateway-global: no event of its own; its registry entries as `edge`; its inbox for the answers of the platform's reads. */
function edgePermissions(cells: readonly CellDescriptor[]): NatsPermissions {
  const platform = platformPermissions(EDGE_NATS_USER);
  return {
    publish: { allow: platform.publish.allow! },
    subscribe: { allow: unique([...cells.map((c) => `${c.name}.>`), ownInboxes(EDGE_NATS_USER), ...platform.subscribe.allow!]) },
  };
}

/** nats.conf text: listen port, optional monitoring port, JetStream, and the users above. */
export function natsServerConfig(options: {
  cells: readonly CellDescriptor[];
  port?: number;
  monitorPort?: number;
  storeDir?: string;
  /**
   * A file (relative to the config's folder) that defines `NATS_PASSWORD_<USER>` as config variables:
   * compose's setup writes it into nats-server's secrets volume. Without it, the variables come from
   * nats-server's environment (npm start, the tests).
   */
  passwordsFile?: string;
  /** This node's name, when it is one of a cluster's (`server_name`; compose passes it as `--name` instead). */
  serverName?: string;
  /** A node of a cluster (nats-cluster.ts): where it listens for routes, and the file that lists them. */
  cluster?: { listen: string; routesFile: string };
}): string {
  const lines = [
    '# Generated from the cell descriptors (compose/src/nats-auth.ts) by `npm run generate:nats`; do not edit.',
    options.passwordsFile
      ? `# Passwords: NATS_PASSWORD_<USER> for every user below, from ${options.passwordsFile} (written by the setup service).`
      : '# Passwords come from the environment: NATS_PASSWORD_<USER> for every user below.',
  ];
  if (options.passwordsFile) lines.push(`include ${quote(options.passwordsFile)}`);
  if (options.port !== undefined) lines.push(`port: ${options.port}`);
  if (options.monitorPort !== undefined) lines.push(`http_port: ${options.monitorPort}`);
  if (options.serverName) lines.push(`server_name: ${quote(options.serverName)}`);
  if (options.cluster) lines.push(...clusterBlock(options.cluster));
  lines.push(options.storeDir ? `jetstream {\n  store_dir: ${quote(options.storeDir)}\n}` : 'jetstream: enabled');
  lines.push('authorization {', '  users: [');
  for (const spec of natsUsers(options.cells)) lines.push(...renderUser(spec).map((l) => `    ${l}`));
  lines.push('  ]', '}');
  return `${lines.join('\n')}\n`;
}

/** What nats-server includes from its secrets volume in compose: each password as a config variable its users refer to. */
export const NATS_PASSWORDS_FILE = 'passwords.conf';

/** Where the committed config lives, and the values compose runs it with. */
export const natsConfPath = fileURLToPath(new URL('../nats/nats.conf', import.meta.url));
export const composeNatsOptions = {
  port: 4222,
  monitorPort: 8222,
  storeDir: '/data',
  passwordsFile: `secrets/${NATS_PASSWORDS_FILE}`,
} as const;
/** Where compose's cluster nodes listen for each other (compose.nats-cluster.yaml). */
export const COMPOSE_NATS_CLUSTER_PORT = 6222;

/** compose's nats-server services: `nats`, and for a cluster `nats-2`, `nats-3`, … (each node's server name too). */
export const composeNatsNodes = (nodes: number) => Array.from({ length: nodes }, (_, i) => (i === 0 ? 'nats' : `nats-${i + 1}`));

/** compose/nats/nats-cluster.conf: compose's nats.conf with a cluster block; each node passes its name as `--name`. */
export const natsClusterConfPath = fileURLToPath(new URL('../nats/nats-cluster.conf', import.meta.url));
export const composeNatsClusterConfig = (cells: readonly CellDescriptor[]) =>
  natsServerConfig({
    cells,
    ...composeNatsOptions,
    cluster: { listen: `0.0.0.0:${COMPOSE_NATS_CLUSTER_PORT}`, routesFile: `secrets/${NATS_ROUTES_FILE}` },
  });

function renderUser({ user, note, permissions }: NatsUserSpec): string[] {
  const lines = [`# ${note}`, '{', `  user: ${quote(user)}`, `  password: $${natsPasswordVar(user)}`];
  if (permissions) {
    lines.push('  permissions: {');
    for (const kind of ['publish', 'subscribe'] as const) {
      const rules = Object.entries(permissions[kind]).filter(([, subjects]) => subjects?.length);
      lines.push(`    ${kind}: {`);
      for (const [rule, subjects] of rules) lines.push(`      ${rule}: [`, ...subjects!.map((s) => `        ${quote(s)}`), '      ]');
      lines.push('    }');
    }
    lines.push('  }');
  }
  lines.push('}');
  return lines;
}

function consumerNote(cell: CellDescriptor, system: readonly CellDescriptor[]): string {
  const durables = declaredDurables(cell, system).map(({ stream, durable }) => `${durable} on ${stream}`);
  return durables.length ? `; consumers ${durables.join(', ')}` : '';
}

// Quoted, so that `$JS...` subjects are never read as variable references.
const quote = (s: string) => JSON.stringify(s);
const unique = (items: string[]) => [...new Set(items)];
