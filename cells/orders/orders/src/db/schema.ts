import { sqliteTable, text, integer, index, unique } from 'drizzle-orm/sqlite-core';
import type { Address, OrderLine, OrderStatus } from '@retail/orders-contract';
export { outbox, inbox } from '@retail/data';

export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    status: text('status').$type<OrderStatus>().notNull(),
    lines: text('lines', { mode: 'json' }).$type<OrderLine[]>().notNull(),
    /** Minor units. */
    total: integer('total').notNull(),
    currency: text('currency').notNull(),
    shippingAddress: text('shipping_address', { mode: 'json' }).$type<Address>().notNull(),
    /** The customer's Idempotency-Key and the hash of the request it came with: a replay gets this order back. */
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** The move that brought it here from another partition (null for an order placed here): what a rollback discards. */
    migrationId: text('migration_id'),
  },
  (t) => [
    unique('orders_customer_idempotency_key').on(t.customerId, t.idempotencyKey),
    index('orders_customer_created').on(t.customerId, t.createdAt),
  ],
);

/** Every status an order has been in, with why, oldest first by id. */
export const orderHistory = sqliteTable(
  'order_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    status: text('status').$type<OrderStatus>().notNull(),
    at: text('at').notNull(),
    reason: text('reason'),
    /** The Idempotency-Key (event id) of the saga step that made it; null for the customer's own acts. */
    key: text('key'),
  },
  (t) => [index('order_history_order').on(t.orderId)],
);

/** Where a customer stands in a move between partitions; no row: served here as usual (README, "Moving customers"). */
export type MoveState = 'leaving' | 'gone' | 'arriving';

/**
 * A customer being moved to or from this partition. `leaving`: frozen for a move (no write commits);
 * `gone`: moved away, the orders tombstoned; `arriving`: imported from another partition and served,
 * marked so that a rollback can discard what the move brought.
 */
export const customerMoves = sqliteTable('customer_moves', {
  customerId: text('customer_id').primaryKey(),
  state: text('state').$type<MoveState>().notNull(),
  migrationId: text('migration_id').notNull(),
  /** Where a leaving or gone customer goes; where an arriving one came from. */
  partition: text('partition').notNull(),
  at: text('at').notNull(),
});

/** Tombstones: orders that moved to another partition, and where they went. */
export const movedOrders = sqliteTable('moved_orders', {
  orderId: text('order_id').primaryKey(),
  customerId: text('customer_id').notNull(),
  /** Where it went. */
  partition: text('partition').notNull(),
  migrationId: text('migration_id').notNull(),
  at: text('at').notNull(),
});

/**
 * The orders cell's copy of the catalog's prices, fed by the products cell's product events (a
 * projection: see src/prices.ts). One row per SKU ever heard of; a deleted product stays as a tombstone,
 * so that an older event arriving late cannot bring it back. `createdAt` is when the product's current
 * life began (a SKU deleted and created again starts over at version 1): events are ordered by it, then
 * by `version`.
 */
export const prices = sqliteTable('prices', {
  sku: text('sku').primaryKey(),
  name: text('name').notNull(),
  /** Minor units. */
  amount: integer('amount').notNull(),
  currency: text('currency').notNull(),
  version: integer('version').notNull(),
  createdAt: text('created_at').notNull(),
  /** When the product was deleted (the deletion event's time); null while it is for sale. */
  deletedAt: text('deleted_at'),
});
