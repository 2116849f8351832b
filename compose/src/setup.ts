// compose's setup service: the stack's secrets and streams, before any service starts.
//
//   1. Every secret the descriptors call for (secrets.ts) is taken from this process's environment when
//      the operator set it, else kept from an earlier start (the setup-store volume), else generated.
//   2. Each process's secrets volume gets its own secrets as files (`/out/<service>/<VAR>`); nats-server's
//      gets passwords.conf.
//   3. Once NATS is up, every cell's stream and durable consumers are created as the descriptors
//      declare, as the `system` user: the cells' own users may not create or change them.
//   4. It then stays up and healthy (`/tmp/setup-ready`), so that services can wait for it; with
//      SETUP_ONCE=true (a Kubernetes Job) it exits instead.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemCells } from '@retail/topology';

// The running system as compose runs it (the descriptors' partition counts).
const cells = systemCells(process.env);
import { COMPOSE_NATS_CLUSTER_PORT, composeNatsNodes, NATS_PASSWORDS_FILE, natsPasswordVar, SYSTEM_NATS_USER } from './nats-auth.ts';
import { NATS_ROUTE_PASSWORD_VAR, NATS_ROUTES_FILE, natsNodes, natsReplicas, natsRoutesConf } from './nats-cluster.ts';
import { generateSecret, natsPasswordsConf, secretGrants, serviceName, storedSecretNames } from './secrets.ts';
import { provisionStreams } from '@retail/events';
import { platformBuckets } from './buckets.ts';
import { openRuntimeBus } from './runtime-bus.ts';

/** The environment file of a compose deployment (npm start loads config/development.yaml). */
const COMPOSE_CONFIG = 'config/compose.yaml';

const STORE = process.env.SECRETS_STORE ?? '/setup-store';
const OUT = process.env.SECRETS_OUT ?? '/out';
const NATS_URL = process.env.NATS_URL ?? 'nats://nats:4222';
// NATS_NODES=3 (compose.nats-cluster.yaml): the routes for the nodes, and every stream on all three.
const nodes = natsNodes(process.env);
const READY = process.env.SETUP_READY_FILE ?? '/tmp/setup-ready';

const log = (message: string) => console.log(`[setup] ${message}`);

/** Written whole or not at all: a service starting meanwhile never reads half a secret. */
function writeAtomically(path: string, content: string, mode: number) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

function keepSecrets(): Map<string, string> {
  mkdirSync(STORE, { recursive: true, mode: 0o700 });
  const secrets = new Map<string, string>();
  for (const name of storedSecretNames(cells)) {
    const file = join(STORE, name);
    const stored = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const provided = process.env[name];
    const value = provided || stored || generateSecret();
    if (value !== stored) {
      writeAtomically(file, value, 0o600);
      log(`${name}: ${provided ? 'taken from the environment' : 'generated'}`);
    }
    secrets.set(name, value);
  }
  return secrets;
}

function handOut(secrets: Map<string, string>) {
  const secretOf = (name: string) => secrets.get(name) ?? fail(`no secret ${name}`);
  // Each volume is mounted into one container only, as the user the services run as.
  for (const [process, grants] of Object.entries(secretGrants(cells))) {
    const dir = join(OUT, serviceName(process));
    mkdirSync(dir, { recursive: true });
    for (const [variable, name] of Object.entries(grants)) writeAtomically(join(dir, variable), secretOf(name), 0o444);
  }
  const natsDir = join(OUT, 'nats');
  mkdirSync(natsDir, { recursive: true });
  writeAtomically(join(natsDir, NATS_PASSWORDS_FILE), natsPasswordsConf(cells, secretOf, nodes > 1), 0o444);
  // A cluster's routes name the route password, so they are a secret file too (nats-cluster.ts).
  if (nodes > 1)
    writeAtomically(
      join(natsDir, NATS_ROUTES_FILE),
      natsRoutesConf(
        composeNatsNodes(nodes).map((node) => `${node}:${COMPOSE_NATS_CLUSTER_PORT}`),
        secretOf(NATS_ROUTE_PASSWORD_VAR),
      ),
      0o444,
    );
  log(`secrets handed to ${Object.keys(secretGrants(cells)).length} services and nats`);
}

function fail(message: string): never {
  throw new Error(message);
}

const secrets = keepSecrets();
handOut(secrets);
await provisionStreams({
  servers: NATS_URL,
  user: SYSTEM_NATS_USER,
  pass: secrets.get(natsPasswordVar(SYSTEM_NATS_USER))!,
  cells,
  buckets: platformBuckets,
  replicas: natsReplicas(nodes),
  waitMs: 120_000,
});
log('streams and consumers provisioned');
// The deployment's settings into the config bucket (values an operator changed live are kept).
const runtime = await openRuntimeBus({ url: NATS_URL, pass: secrets.get(natsPasswordVar(SYSTEM_NATS_USER))!, configFile: COMPOSE_CONFIG });
await runtime.close();
writeFileSync(READY, new Date().toISOString());
log('ready');
// SETUP_ONCE=true (a Kubernetes Job): done. Otherwise up until stopped, so that compose's depends_on can
// wait for it to be healthy.
if (process.env.SETUP_ONCE === 'true') process.exit(0);
const idle = setInterval(() => {}, 2 ** 30);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    clearInterval(idle);
    process.exit(0);
  });
