import { randomBytes } from 'node:crypto';
import { globalGateway } from '@retail/topology';
import { clientSecretVar, instanceName, workloadSecretVar, type CellDescriptor } from '@retail/descriptor';
import { EDGE_NATS_USER, natsPasswordVar, natsUser, natsUserNames } from './nats-auth.ts';
import { NATS_ROUTE_PASSWORD_VAR } from './nats-cluster.ts';

/**
 * Which secret each deployed process gets, derived from the cell descriptors. compose's setup service
 * (setup.ts) generates every secret the operator did not provide, keeps it, and writes each process
 * only its own, as files: one volume per process, mounted at SECRETS_MOUNT and named by `<VAR>_FILE`,
 * so a compromised service cannot read another's credentials.
 *
 * Secrets, by the name they are kept (and can be provided) under:
 *   NATS_PASSWORD_<USER>                 nats-server and that user's processes (a cell's, edge, system)
 *   NATS_ROUTE_PASSWORD                  the nodes of a NATS cluster, joining each other (nats-cluster.ts)
 *   CLIENT_SECRET_<CELL>                 gateway-global (the token service) and the cell's calling components
 *   WORKLOAD_SECRET_<CELL>_<COMPONENT>   the component and its cell gateway (POST /internal/token)
 * where <CELL> is a running cell: a global cell's name or a partition's (ORDERS_2).
 *   ADMIN_PASSWORD                       gateway-global: the operator account admin@example.com
 *   DEMO_PASSWORD_ALICE, DEMO_PASSWORD_BOB   gateway-global, used only when DEMO_USERS=true
 */
export const SECRETS_MOUNT = '/secrets';

/** `WORKLOAD_SECRET_ORDERS_CHECKOUT`: the stored name of one component's workload credential. */
export const storedWorkloadSecret = (cell: string, component: string) => workloadSecretVar(`${cell}_${component}`);

/** `products/catalog` → `products-catalog`, `orders-1/checkout#2` → `orders-1-checkout-2`: a process's compose service (and its secrets volume's folder in setup). */
export const serviceName = (planName: string) => planName.replace(/[/#]/g, '-');

/** Per process (by plan name): its variable → the stored secret it reads. */
export type SecretGrants = Record<string, Record<string, string>>;

export const ACCOUNT_SECRETS = ['ADMIN_PASSWORD', 'DEMO_PASSWORD_ALICE', 'DEMO_PASSWORD_BOB'] as const;

/** `cells`: the running system (`systemCells`): each partition has secrets of its own. */
export function secretGrants(cells: readonly CellDescriptor[]): SecretGrants {
  const grants: SecretGrants = {};
  for (const cell of cells) {
    const self = instanceName(cell);
    for (const component of cell.components) {
      // Every process uses NATS: its events, and the registry and configuration.
      const own: Record<string, string> = {
        WORKLOAD_SECRET: storedWorkloadSecret(self, component.name),
        NATS_PASS: natsPasswordVar(natsUser(self)),
      };
      if (component.calls?.length) own.CLIENT_SECRET = clientSecretVar(self);
      grants[`${self}/${component.name}`] = own;
    }
    grants[`${self}/gateway`] = {
      NATS_PASS: natsPasswordVar(natsUser(self)),
      ...Object.fromEntries(
        cell.components.map((component) => [workloadSecretVar(component.name), storedWorkloadSecret(self, component.name)]),
      ),
    };
  }
  grants[globalGateway.name] = {
    NATS_PASS: natsPasswordVar(EDGE_NATS_USER),
    ...Object.fromEntries(cells.map(instanceName).map((client) => [clientSecretVar(client), clientSecretVar(client)])),
    ...Object.fromEntries(ACCOUNT_SECRETS.map((name) => [name, name])),
  };
  return grants;
}

/**
 * Every stored secret: what the grants name, every NATS user's password (nats-server needs them all), and
 * the route password a cluster's nodes join each other with (kept even for one node, ready for a cluster).
 */
export function storedSecretNames(cells: readonly CellDescriptor[]): string[] {
  const granted = Object.values(secretGrants(cells)).flatMap((own) => Object.values(own));
  return [...new Set([...natsUserNames(cells).map(natsPasswordVar), NATS_ROUTE_PASSWORD_VAR, ...granted])].sort();
}

/** 240 random bits, URL-safe, a letter first: usable as it is wherever a secret goes, nats.conf included. */
export const generateSecret = () => `s${randomBytes(30).toString('base64url')}`;

/** nats-server's passwords file; with `cluster`, the route password too (nats-server refuses a variable nothing uses). */
export function natsPasswordsConf(cells: readonly CellDescriptor[], secretOf: (name: string) => string, cluster = false): string {
  const names = [...natsUserNames(cells).map(natsPasswordVar), ...(cluster ? [NATS_ROUTE_PASSWORD_VAR] : [])];
  const lines = names.map((name) => `${name}: ${JSON.stringify(secretOf(name))}`);
  return `# Written by the setup service (compose/src/setup.ts) from its secret store; do not edit.\n${lines.join('\n')}\n`;
}
