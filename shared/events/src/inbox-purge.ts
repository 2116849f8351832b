import { purgeInbox, sessionOf, type Db, type DrizzleSession } from '@retail/data';
import type { Logger } from '@retail/kernel';
import { inboxRetentionMs } from '@retail/descriptor';

export interface InboxPurgeOptions {
  db: Db<any>;
  logger: Logger;
  /** Default: the topology's `inboxRetentionMs` (why that long is explained there). */
  retainMs?: number;
  /** How often to look when there was nothing (more) to purge. */
  everyMs?: number;
  /** Rows per step; a full step is followed by the next one at once, so a backlog is worked off in short writes. */
  batchSize?: number;
}

interface Running {
  users: number;
  timer: NodeJS.Timeout;
}
const running = new WeakMap<DrizzleSession, Running>();

/**
 * Keep a database's inbox from growing forever: every `everyMs`, forget the ids received longer ago
 * than `retainMs`. Started by both the outbox relay and a consumer with local handlers (a database may
 * have either or both); they share one purge per database (with the first one's options), which stops
 * when the last of them stops.
 *
 * @example
 * const purge = keepInboxPurged({ db, logger });
 * // …
 * purge.stop();
 */
export function keepInboxPurged(options: InboxPurgeOptions): { stop(): void } {
  const session = sessionOf(options.db, 'keepInboxPurged');
  const purge = running.get(session) ?? startPurge(session, options);
  purge.users++;
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (--purge.users > 0) return;
      clearTimeout(purge.timer);
      running.delete(session);
    },
  };
}

function startPurge(session: DrizzleSession, options: InboxPurgeOptions): Running {
  const { db, logger, retainMs = inboxRetentionMs, everyMs = 60_000, batchSize = 1_000 } = options;
  const step = () => {
    let purged = 0;
    try {
      purged = purgeInbox(db, { before: Date.now() - retainMs, limit: batchSize });
      if (purged) logger.debug({ purged }, 'inbox: forgot old event ids');
    } catch (error) {
      logger.warn({ err: error }, 'inbox purge failed; trying again later');
    }
    purge.timer = setTimeout(step, purged === batchSize ? 0 : everyMs).unref();
  };
  const purge: Running = { users: 0, timer: setTimeout(step, 0).unref() };
  running.set(session, purge);
  return purge;
}
