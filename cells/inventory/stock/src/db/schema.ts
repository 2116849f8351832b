import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, primaryKey, check } from 'drizzle-orm/sqlite-core';
import type { StockLevel } from '@retail/inventory-contract';
export { outbox, inbox } from '@retail/data';

/**
 * Units per SKU. `reserved` are units promised to orders that have not left the warehouse yet;
 * the CHECKs make overselling impossible even if a code path forgot to look.
 */
export const stockLevels = sqliteTable(
  'stock_levels',
  {
    sku: text('sku').primaryKey(),
    onHand: integer('on_hand').notNull(),
    reserved: integer('reserved').notNull().default(0),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    check('stock_on_hand_not_negative', sql`${t.onHand} >= 0`),
    check('stock_reserved_not_negative', sql`${t.reserved} >= 0`),
    check('stock_reserved_within_on_hand', sql`${t.reserved} <= ${t.onHand}`),
  ],
);

export const RESERVATION_STATUSES = ['RESERVED', 'RELEASED', 'COMMITTED', 'REJECTED'] as const;

/** One per order: the outcome of its reservation command, and where it went since. */
export const reservations = sqliteTable(
  'reservations',
  {
    orderId: text('order_id').primaryKey(),
    status: text('status', { enum: RESERVATION_STATUSES }).notNull(),
    /** Why it was rejected. */
    reason: text('reason'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [check('reservation_status_known', sql`${t.status} in ('RESERVED', 'RELEASED', 'COMMITTED', 'REJECTED')`)],
);

/** The units of each SKU an order asked for (also kept for rejected orders, as a record). */
export const reservationLines = sqliteTable(
  'reservation_lines',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => reservations.orderId),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.sku] }), check('reservation_line_quantity_positive', sql`${t.quantity} > 0`)],
);

/** Audit trail of manual stock changes: goods received, written off, counted. */
export const adjustments = sqliteTable(
  'adjustments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sku: text('sku')
      .notNull()
      .references(() => stockLevels.sku),
    delta: integer('delta').notNull(),
    reason: text('reason').notNull(),
    /** Who did it: the `sub` of the caller's token. */
    actor: text('actor').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('adjustments_sku').on(t.sku, t.id)],
);

/**
 * The Idempotency-Key of each adjustment sent with one, per caller, and the hash of the request it came
 * with (as the orders cell keeps an order's): the same key and request again is answered with the level
 * the first one left, and applied once; the same key with another request is refused.
 */
export const adjustmentKeys = sqliteTable(
  'adjustment_keys',
  {
    /** The caller's `sub`: keys are per caller. */
    actor: text('actor').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    adjustmentId: integer('adjustment_id')
      .notNull()
      .references(() => adjustments.id),
    /** The answer it was given: the SKU's level right after it. */
    response: text('response', { mode: 'json' }).$type<StockLevel>().notNull(),
    at: text('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.actor, t.idempotencyKey] })],
);
