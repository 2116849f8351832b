import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { PartitionState, PlacementSource } from '@retail/placement-contract';
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
