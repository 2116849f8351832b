import { sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { placeholders, prepared } from './prepared.ts';
import { inbox } from './tables.ts';

export interface InboxEntry {
  /** The event id, or the Idempotency-Key of a command (the id of the event behind it). */
  eventId: string;
  /** Who handled it: the durable consumer or the component, e.g. `orders-orders`. */
  consumer: string;
  /** The event type, or what the command did. */
  type: string;
  /** When (epoch ms); now unless the caller keeps its own clock. */
  receivedAt?: number;
}

/**
 * Record an event id (or a command's Idempotency-Key) in the inbox, inside the transaction that applies
 * its effect. False when it is there already: a redelivery, whose effect must not happen again.
 *
 * @example
 * db.transaction((tx) => {
 *   if (!firstDelivery(tx, { eventId: event.id, consumer: 'inventory-stock', type: event.type })) return;
 *   applyTheEffect(tx, event);
 * });
 */
export function firstDelivery(tx: Pick<Db<any>, 'insert'>, entry: InboxEntry): boolean {
  const record = prepared(tx, 'inbox.record', (db) =>
    db
      .insert(inbox)
      .values(placeholders('eventId', 'consumer', 'type', 'receivedAt'))
      .onConflictDoNothing()
      .prepare(),
  );
  return record.run({ ...entry, receivedAt: entry.receivedAt ?? Date.now() }).changes === 1;
}

export interface InboxPurge {
  /** Entries received before this moment (epoch ms) are forgotten. */
  before: number;
  /** At most this many in one call (one short write), so a long backlog is worked off in steps. */
  limit?: number;
}

/**
 * Forget the oldest inbox entries received before `before`; returns how many went (`limit` means there
 * may be more). How long entries must be kept is the caller's decision: at least as long as the event
 * they stand for can still be delivered (see `inboxRetentionMs` in @retail/descriptor).
 *
 * The inbox has no index on `received_at`; rows are appended, so rowid order is arrival order, and
 * looking only at the `limit` oldest rows keeps each call as cheap as its batch, however large the
 * table. A row received out of order (a caller's own clock) is never deleted early, only later.
 *
 * @example
 * purgeInbox(db, { before: Date.now() - inboxRetentionMs }); // 0 when nothing is that old
 */
export function purgeInbox(db: Pick<Db<any>, 'delete'>, { before, limit = 1_000 }: InboxPurge): number {
  const purge = prepared(db, 'inbox.purge', (d) =>
    d
      .delete(inbox)
      .where(
        sql`rowid in (select rowid from (select rowid, received_at from ${inbox} order by rowid limit ${sql.placeholder('limit')}) where received_at < ${sql.placeholder('before')})`,
      )
      .prepare(),
  );
  return purge.run({ before, limit }).changes;
}
