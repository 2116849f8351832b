import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/**
 * Transactional outbox: a state change and the event announcing it are written in one transaction;
 * the relay publishes unsent rows in `seq` order and stamps `sentAt` on the PubAck.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    subject: text('subject').notNull(),
    payload: text('payload').notNull(),
    headers: text('headers').notNull().default('{}'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [index('outbox_unsent').on(t.sentAt, t.seq)],
);

/** Idempotent consumers: the event id is recorded in the same transaction as its effect. */
export const inbox = sqliteTable('inbox', {
  eventId: text('event_id').primaryKey(),
  consumer: text('consumer').notNull(),
  type: text('type').notNull(),
  receivedAt: integer('received_at').notNull(),
});
