/**
 * NATS as a cluster: `NATS_NODES=3` runs three nats-server nodes that route to each other, and every
 * stream and bucket is kept on all three (replicas 3), so the bus goes on when one node is lost. One node
 * stays the default for a laptop.
 *
 * Nodes join each other over their cluster port, which is protected by a route user and password
 * (`NATS_ROUTE_PASSWORD`): whatever can reach that port and joins as a route would see every subject,
 * around the per-cell permissions. Routes name the password in their URL, which nats.conf cannot build
 * from a variable, so the routes are a file of their own (`routes.conf`), written where the passwords are:
 * beside nats.conf by npm start and the tests, into nats-server's secrets volume by compose's setup.
 * A node started with another cluster's name is refused by the others (nats-server compares the names).
 */

/** The cluster's name: a node of another cluster (another name) cannot join it. */
export const NATS_CLUSTER_NAME = 'retail';
export const NATS_ROUTE_USER = 'route';
/** The route password's variable, in nats-server's environment or its passwords file. */
export const NATS_ROUTE_PASSWORD_VAR = 'NATS_ROUTE_PASSWORD';
/** The file beside nats.conf (npm start, tests) or in its secrets folder (compose) that lists the routes. */
export const NATS_ROUTES_FILE = 'routes.conf';
/** The development route password (npm start); compose's setup generates one. */
export const DEV_ROUTE_PASSWORD = 'route-nats-dev';

const ALLOWED_NODES = [1, 3, 5];

/** How many nodes run the bus (`NATS_NODES`): 1 (the default), 3 or 5, an odd number so that a majority survives a loss. */
export function natsNodes(source: Record<string, string | undefined> = process.env): number {
  const raw = source.NATS_NODES?.trim();
  if (!raw) return 1;
  const nodes = Number(raw);
  if (!ALLOWED_NODES.includes(nodes)) throw new Error(`NATS_NODES=${raw}: the bus runs on 1, 3 or 5 nats-server nodes.`);
  return nodes;
}

/** Copies of every stream and bucket on `nodes` servers: all of them, up to JetStream's limit of 5 (3 in practice). */
export const natsReplicas = (nodes: number) => Math.min(nodes, 3);

/**
 * The lines of nats.conf's `cluster` block: its name, where it listens for routes, the route user, and the
 * routes from `routesFile` (relative to the config's folder).
 */
export function clusterBlock(options: { listen: string; routesFile: string }): string[] {
  return [
    'cluster {',
    `  name: ${JSON.stringify(NATS_CLUSTER_NAME)}`,
    `  listen: ${JSON.stringify(options.listen)}`,
    `  authorization { user: ${JSON.stringify(NATS_ROUTE_USER)}, password: $${NATS_ROUTE_PASSWORD_VAR} }`,
    `  include ${JSON.stringify(options.routesFile)}`,
    '}',
  ];
}

/**
 * routes.conf: every node's cluster address (`host:port`), its own included (a node recognises itself),
 * with the route credentials.
 */
export function natsRoutesConf(addresses: readonly string[], password: string): string {
  const routes = addresses.map((address) => `  ${JSON.stringify(`nats-route://${NATS_ROUTE_USER}:${password}@${address}`)}`);
  return `# The cluster's routes, with the route password; written at start, not committed.\nroutes: [\n${routes.join('\n')}\n]\n`;
}
