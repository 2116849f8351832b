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
