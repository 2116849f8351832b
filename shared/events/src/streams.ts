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
      });
      return;
    } catch (error) {
      // another component of the cell created it at the same moment: loop and read it back
      if (attempt > 2 || isPermissionDenied(error)) throw error;
    }
  }
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
  return Object.keys(changes).length ? changes : undefined;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}

/** The server refused the request for the user's permissions (e.g. a cell user changing a stream). */
export function isPermissionDenied(error: unknown): boolean {
  return error instanceof Error && /permissions violation/i.test(error.message);
}
