import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type Subscription } from '@nats-io/transport-node';
import type { Logger } from '@retail/kernel';
import type { Bus } from './connection.ts';
import { isNotFound } from './streams.ts';

/**
 * Key-value buckets on JetStream, in the layout of NATS's own KV (stream `KV_<bucket>` on
 * `$KV.<bucket>.>`, one value kept per key), so `nats kv` tools read them; read here without any
 * consumer. A cell user may not create consumers (a push consumer's deliver subject would let the server
 * publish into another cell's subjects), so a bucket is read as:
 * - a snapshot: the stream's subjects (`STREAM.INFO` with a subject filter), then the last value of
 *   each by a direct get (`$JS.API.DIRECT.GET.KV_<bucket>.$KV.<bucket>.<key>`, which permissions can
 *   narrow to a key prefix);
 * - changes as they happen: a plain subscription on `$KV.<bucket>.<filter>`, which sees every put and
 *   delete as it is published; after a reconnect the snapshot is read again, for what was missed.
 */
export interface BucketSpec {
  name: string;
  /** Values older than this disappear (a registry's TTL); left out, they stay. */
  maxAgeMs?: number;
  /** Copies on the servers of a NATS cluster (as a stream's `replicas`); left out, 1. */
  replicas?: number;
}

export interface KvEntry {
  key: string;
  value: string;
  /** When it was written, as the server or this process saw it. */
  at: Date;
}

export const kvStream = (bucket: string) => `KV_${bucket}`;
export const kvSubject = (bucket: string, key: string) => `$KV.${bucket}.${key}`;
const OPERATION = 'KV-Operation';

/** Create the bucket or bring its age limit up to date (provisioning, as a user allowed to). */
export async function ensureBucket(jsm: JetStreamManager, spec: BucketSpec): Promise<void> {
  const name = kvStream(spec.name);
  const max_age = nanos(spec.maxAgeMs ?? 0);
  try {
    const info = await jsm.streams.info(name);
    const num_replicas = spec.replicas ?? info.config.num_replicas;
    if (info.config.max_age !== max_age || info.config.num_replicas !== num_replicas)
      await jsm.streams.update(name, { ...info.config, max_age, num_replicas });
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await jsm.streams.add({
    name,
    subjects: [kvSubject(spec.name, '>')],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_msgs_per_subject: 1,
    max_age,
    allow_rollup_hdrs: true,
    deny_delete: true,
    allow_direct: true,
    duplicate_window: nanos(Math.min(spec.maxAgeMs || 120_000, 120_000)),
    num_replicas: spec.replicas ?? 1,
  });
}

/** Write a value (acknowledged by JetStream). */
export async function kvPut(bus: Pick<Bus, 'js'>, bucket: string, key: string, value: string): Promise<void> {
  await bus.js.publish(kvSubject(bucket, key), value);
}

/** Remove a key: a delete marker, as NATS's KV writes it. */
export async function kvDelete(bus: Pick<Bus, 'js'>, bucket: string, key: string): Promise<void> {
  const h = natsHeaders();
  h.set(OPERATION, 'DEL');
  await bus.js.publish(kvSubject(bucket, key), '', { headers: h });
}

/** Every live key under `prefix` (`registry`: `orders-2.`) with its value. */
export async function kvSnapshot(bus: Pick<Bus, 'jsm'>, bucket: string, prefix = ''): Promise<Map<string, KvEntry>> {
  const stream = kvStream(bucket);
  const info = await bus.jsm.streams.info(stream, { subjects_filter: kvSubject(bucket, `${prefix}>`) });
  const entries = new Map<string, KvEntry>();
  const subjects = Object.keys(info.state.subjects ?? {});
  const found = await Promise.all(subjects.map((subject) => bus.jsm.direct.getMessage(stream, { last_by_subj: subject })));
  for (const message of found) {
    if (!message || message.header?.get(OPERATION)) continue;
    const key = message.subject.slice(kvSubject(bucket, '').length);
    entries.set(key, { key, value: message.string(), at: message.time });
  }
  return entries;
}

export interface BucketView {
  /** The entries as last seen; kept as they were while the bus is away. */
  entries(): ReadonlyMap<string, KvEntry>;
  /** Whether the view is live: read once, and subscribed now. */
  isLive(): boolean;
  /** Resolves once the first snapshot is in (or failed: the view then starts empty and keeps trying). */
  ready: Promise<void>;
  close(): void;
}

export interface WatchBucketOptions {
  bus: Bus;
  bucket: string;
  /** Only keys starting with this. */
  prefix?: string;
  logger: Logger;
  /** After every change of the entries (a put, a delete, a new snapshot). */
  onChange?: (entries: ReadonlyMap<string, KvEntry>) => void;
  /** How often a failed snapshot is tried again. Default 2000. */
  retryMs?: number;
}

/**
 * A live, local copy of a bucket (or of the keys under a prefix): one snapshot, then every change as
 * it is published; a new snapshot after each reconnect. Readers ask `entries()`, never the server.
 */
export function watchBucket(options: WatchBucketOptions): BucketView {
  const { bus, bucket, prefix = '', logger, retryMs = 2_000 } = options;
  let entries = new Map<string, KvEntry>();
  let live = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = () => options.onChange?.(entries);

  const subscription: Subscription = bus.nc.subscribe(kvSubject(bucket, `${prefix}>`), {
    callback: (error, message) => {
      if (error) return;
      const key = message.subject.slice(kvSubject(bucket, '').length);
      if (message.headers?.get(OPERATION)) entries.delete(key);
      else entries.set(key, { key, value: message.string(), at: new Date() });
      changed();
    },
  });

  let settle: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const load = async () => {
    timer = undefined;
    if (closed) return;
    try {
      // Subscribed first, read second: a put between the two is in the snapshot or arrives after it.
      await bus.nc.flush();
      const snapshot = await kvSnapshot(bus, bucket, prefix);
      for (const [key, entry] of entries) if (!snapshot.has(key) && Date.now() - entry.at.getTime() < 1_000) snapshot.set(key, entry);
      entries = snapshot;
      if (!live) logger.info({ bucket }, `${bucket} bucket: live`);
      live = true;
      changed();
    } catch (error) {
      if (closed) return settle();
      if (live || !timer) logger.warn({ bucket, err: (error as Error).message }, `${bucket} bucket unreachable; keeping what was known`);
      live = false;
      if (!closed) timer = setTimeout(load, retryMs);
    }
    settle();
  };
  void load();
  const statuses = bus.nc.status();
  void (async () => {
    for await (const status of statuses) {
      if (closed) return;
      if (status.type === 'disconnect') {
        if (live) logger.warn({ bucket }, `${bucket} bucket unreachable (NATS away); keeping what was known`);
        live = false;
      }
      if (status.type === 'reconnect' && !timer) void load();
    }
  })();

  return {
    entries: () => entries,
    isLive: () => live,
    ready,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      // The client's status iterator can be stopped (QueuedIterator), though typed as a plain async iterable.
      (statuses as unknown as { stop?: () => void }).stop?.();
      subscription.unsubscribe();
    },
  };
}
