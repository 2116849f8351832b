import { RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamUpdateConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { DEFAULT_STREAM_LIMITS, ownSubjects, streamLimits, type CellDescriptor } from '@retail/descriptor';

export interface StreamSpec {
  name: string;
  subjects: string[];
  /**
   * Events older than this are dropped, read or not (a cell's: `streamLimits` of @retail/descriptor).
   * Left out: an existing stream keeps its own, a new one (or one without any) gets the topology's default.
   */
  maxAgeMs?: number;
  /** The oldest events are dropped beyond this size; left out, as for `maxAgeMs`. */
  maxBytes?: number;
  /**
   * Copies of the stream on the servers of a NATS cluster (1 on a single server, 3 on a 3-node cluster: it
   * survives the loss of one). Left out: an existing stream keeps its own, a new one gets 1.
   */
  replicas?: number;
}

/** The stream a running cell owns: its subjects (`<cell>.>`, a partition's `<cell>.<partition>.>`), with its descriptor's age and size limits. */
export const cellStream = (cell: CellDescriptor): StreamSpec => ({
  name: cell.stream,
  subjects: [ownSubjects(cell)],
  ...streamLimits(cell),
});

/**
 * Create the cell's stream, or bring its subjects and limits up to date; safe to call from every
 * component at every start.
 *
 * @example
 * await ensureStream(bus.jsm, cellStream(ordersCell));
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(spec.name);
      const changes = differences(info.config, spec);
      if (changes) await jsm.streams.update(spec.name, changes);
      return;
    } catch (error) {
      if (!isNotFound(error) || attempt > 2) throw error;
    }
    try {
      await jsm.streams.add({
        name: spec.name,
        subjects: spec.subjects,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(2 * 60_000),
        max_age: nanos(spec.maxAgeMs ?? DEFAULT_STREAM_LIMITS.maxAgeMs),
        max_bytes: spec.maxBytes ?? DEFAULT_STREAM_LIMITS.maxBytes,
        num_replicas: spec.replicas ?? 1,
      });
      return;
    } catch (error) {
      if (isSubjectOverlap(error)) throw await overlapping(jsm, spec, error as Error);
      // Another component of the cell created it at the same moment: loop and read it back. Anything else
      // (a cluster still electing its leaders, a timeout) is this error, not the "not found" read before it.
      if (attempt > 2 || !isNameInUse(error)) throw error;
    }
  }
}

/** JetStream's err_code 10058: a stream of this name exists (with another configuration than the one asked for). */
const isNameInUse = (error: unknown) => /already in use/i.test(String((error as Error)?.message));

/** JetStream's err_code 10065: another stream already captures some of these subjects. */
const isSubjectOverlap = (error: unknown) => /subjects overlap/i.test(String((error as Error)?.message));

/** A subject pattern and another overlap when some subject matches both (`orders.>` and `orders.orders-1.>`). */
function overlaps(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === '>' || y[i] === '>') return x[i] !== undefined && y[i] !== undefined;
    if (x[i] === undefined || y[i] === undefined) return false;
    if (x[i] !== '*' && y[i] !== '*' && x[i] !== y[i]) return false;
  }
  return true;
}

/**
 * The stream in the way, named, with what to do: typically a stream from before a cell was partitioned
 * (`ORDERS` on `orders.>`, where `ORDERS_1` now wants `orders.orders-1.>`), kept by an old NATS store.
 */
async function overlapping(jsm: JetStreamManager, spec: StreamSpec, error: Error): Promise<Error> {
  for await (const other of jsm.streams.list()) {
    const taken = other.config.subjects?.filter((s) => spec.subjects.some((own) => overlaps(s, own))) ?? [];
    if (other.config.name !== spec.name && taken.length)
      return new Error(
        `stream ${spec.name} (${spec.subjects.join(', ')}) cannot be created: stream ${other.config.name} already captures ${taken.join(', ')}. ` +
          `It is left from an earlier layout of the cells (a cell that is now partitioned): delete stream ${other.config.name}, or start with fresh data.`,
        { cause: error },
      );
  }
  return error;
}

/** What an existing stream's config lacks of the spec, or undefined when it has it all. */
function differences(config: StreamConfig, spec: StreamSpec): Partial<StreamUpdateConfig> | undefined {
  const changes: Partial<StreamUpdateConfig> = {};
  const sameSubjects = config.subjects?.length === spec.subjects.length && spec.subjects.every((s) => config.subjects?.includes(s));
  if (!sameSubjects) changes.subjects = spec.subjects;
  // 0 (age) and -1 (bytes) are JetStream's "no limit": such a stream gets the default rather than staying unlimited.
  const maxAge =
    spec.maxAgeMs !== undefined ? nanos(spec.maxAgeMs) : config.max_age > 0 ? config.max_age : nanos(DEFAULT_STREAM_LIMITS.maxAgeMs);
  if (config.max_age !== maxAge) changes.max_age = maxAge;
  const maxBytes = spec.maxBytes ?? (config.max_bytes > 0 ? config.max_bytes : DEFAULT_STREAM_LIMITS.maxBytes);
  if (config.max_bytes !== maxBytes) changes.max_bytes = maxBytes;
  if (spec.replicas !== undefined && config.num_replicas !== spec.replicas) changes.num_replicas = spec.replicas;
  return Object.keys(changes).length ? changes : undefined;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}

/** The server refused the request for the user's permissions (e.g. a cell user changing a stream). */
export function isPermissionDenied(error: unknown): boolean {
  return error instanceof Error && /permissions violation/i.test(error.message);
}
