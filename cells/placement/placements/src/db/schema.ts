import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { MigrationState, PartitionState, PlacementSource } from '@retail/placement-contract';
export { outbox, inbox } from '@retail/data';

/** Every partition the system has run, with its state; one that is no longer run keeps its row. */
export const partitions = sqliteTable('partitions', {
  /** `orders-2`: names carry their cell, so they are unique across cells. */
  name: text('name').primaryKey(),
  cell: text('cell').notNull(),
  state: text('state').$type<PartitionState>().notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** A customer's partition in one partitioned cell, recorded at first use or set by an operator. */
export const assignments = sqliteTable(
  'assignments',
  {
    cell: text('cell').notNull(),
    customerId: text('customer_id').notNull(),
    partition: text('partition')
      .notNull()
      .references(() => partitions.name),
    source: text('source').$type<PlacementSource>().notNull(),
    assignedAt: text('assigned_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.cell, t.customerId] }), index('assignments_partition').on(t.partition)],
);

/** The map's version, one row: bumped in the transaction of every change, so it survives restarts. */
export const mapVersion = sqliteTable(
  'map_version',
  {
    id: integer('id').primaryKey(),
    version: integer('version').notNull(),
  },
  (t) => [check('map_version_single_row', sql`${t.id} = 1`)],
);

/**
 * Moves of customers between partitions (README, "Moving customers"): one row per move, its state the
 * step it has reached, so that a controller restarted after a crash carries on from there.
 */
export const migrations = sqliteTable(
  'migrations',
  {
    id: text('id').primaryKey(),
    cell: text('cell').notNull(),
    customerId: text('customer_id').notNull(),
    from: text('from_partition').notNull(),
    to: text('to_partition').notNull(),
    state: text('state').$type<MigrationState>().notNull(),
    reason: text('reason'),
    /** The partition whose drain started it. */
    drain: text('drain'),
    orders: integer('orders'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    frozenAt: text('frozen_at'),
    flippedAt: text('flipped_at'),
    finishedAt: text('finished_at'),
    /** 1 while the move holds the customer: at most one such move per customer (the partial unique index). */
    active: integer('active').notNull(),
  },
  (t) => [
    uniqueIndex('migrations_one_active_per_customer').on(t.cell, t.customerId).where(sql`${t.active} = 1`),
    index('migrations_active').on(t.active, t.createdAt),
    index('migrations_drain').on(t.drain),
  ],
);

/** The drains of partitions: one row per partition, its latest drain. */
export const drains = sqliteTable('drains', {
  partition: text('partition')
    .primaryKey()
    .references(() => partitions.name),
  cell: text('cell').notNull(),
  state: text('state').$type<'running' | 'done' | 'undone'>().notNull(),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at'),
});
