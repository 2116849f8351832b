import { RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export interface StreamSpec {
  name: string;
  subjects: string[];
}

/** Create the cell's stream, or bring its subjects up to date; safe to call from every component at every start. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  const config = {
    name: spec.name,
    subjects: spec.subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(2 * 60_000),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(spec.name);
      const same = info.config.subjects?.length === spec.subjects.length && spec.subjects.every((s) => info.config.subjects?.includes(s));
      if (!same) await jsm.streams.update(spec.name, { subjects: spec.subjects });
      return;
    } catch (error) {
      if (!isNotFound(error) || attempt > 2) throw error;
    }
    try {
      await jsm.streams.add(config);
      return;
    } catch (error) {
      // another component of the cell created it at the same moment: loop and read it back
      if (attempt > 2) throw error;
    }
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}
