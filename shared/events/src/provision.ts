import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CellDescriptor } from '@retail/descriptor';
import { inboxPrefix } from './connection.ts';
import { declaredDurables, durableConfig, ensureDurable } from './durables.ts';
import { ensureBucket, type BucketSpec } from './kv.ts';
import { cellStream, ensureStream } from './streams.ts';

const RETRY_MS = 500;

/**
 * Set up an authorized bus as the descriptors declare it, before any service starts: every cell's
 * stream (subjects and limits) and every declared durable consumer, created or brought up to date, with
 * the same configs the services derive. Run as a user allowed to (`system`): cell users may only read
 * their stream and use their durables, since whoever may change a stream or consumer can have the server
 * publish into another cell's subjects (republish, sources, a push consumer's deliver subject).
 * `servers` is NATS_URL (comma-separated); `cells` the running system (`systemCells` of @retail/topology:
 * every partition, every durable's stream among them); the server is waited for up to `waitMs` (default 30 s).
 *
 * @example
 * await provisionStreams({ servers: 'nats://127.0.0.1:4250', user: 'system', pass, cells: systemCells() });
 */
export async function provisionStreams(options: {
  servers: string;
  user?: string;
  pass?: string;
  cells: readonly CellDescriptor[];
  /** Key-value buckets of the platform (the registry, configuration), created as NATS KV lays them out. */
  buckets?: readonly BucketSpec[];
  /** Copies of every stream and bucket: 3 on a 3-node cluster (`natsReplicas`), 1 on a single server. */
  replicas?: number;
  waitMs?: number;
}): Promise<void> {
  const nc = await connectWithin(options);
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  const { replicas } = options;
  const clustered = (replicas ?? 1) > 1;
  try {
    for (;;) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: 10_000 });
        for (const cell of options.cells) await ensureStream(jsm, { ...cellStream(cell), replicas });
        for (const cell of options.cells)
          for (const durable of declaredDurables(cell, options.cells)) await ensureDurable(jsm, durable.stream, durableConfig(durable));
        for (const bucket of options.buckets ?? []) await ensureBucket(jsm, { ...bucket, replicas });
        return;
      } catch (error) {
        // A cluster that has just started answers so until its nodes have met and elected a leader; a single
        // server that answers so is not going to get better, and is reported at once.
        if (!clustered || !isNotReadyYet(error) || Date.now() >= deadline) throw error;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  } finally {
    await nc.close();
  }
}

const isNotReadyYet = (error: unknown) =>
  /temporarily unavailable|no responders|timeout|insufficient resources|no suitable peers/i.test(String((error as Error)?.message));

/** Connected, or the reason it could not be within `waitMs`; wrong credentials fail at once. */
async function connectWithin(options: { servers: string; user?: string; pass?: string; waitMs?: number }): Promise<NatsConnection> {
  const { user, pass, waitMs = 30_000 } = options;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await connect({
        servers: options.servers.split(','),
        name: 'provision-streams',
        user: user || undefined,
        pass: pass || undefined,
        inboxPrefix: user ? inboxPrefix(user) : undefined,
        maxReconnectAttempts: 0,
      });
    } catch (error) {
      if (/authorization/i.test((error as Error).message)) throw error;
      if (Date.now() >= deadline)
        throw new Error(`NATS at ${options.servers} could not be reached within ${waitMs / 1000} s: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}
