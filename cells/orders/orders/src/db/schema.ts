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
  },
  (t) => [index('order_history_order').on(t.orderId)],
);
