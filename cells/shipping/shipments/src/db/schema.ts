import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { SHIPMENT_STATUSES, type Shipment } from '@retail/shipping-contract';
export { outbox, inbox } from '@retail/data';

export const shipments = sqliteTable(
  'shipments',
  {
    id: text('id').primaryKey(),
    /** One shipment per order: a redelivered `orders.order.confirmed` finds the one it made. */
    orderId: text('order_id').notNull().unique(),
    customerId: text('customer_id').notNull(),
    /** The orders partition that owns the order (`orders-2`): every event about the shipment is addressed to it. */
    partition: text('partition'),
    status: text('status', { enum: SHIPMENT_STATUSES }).notNull(),
    carrier: text('carrier').notNull(),
    trackingNumber: text('tracking_number').notNull(),
    /** The contract's address, as JSON. */
    address: text('address', { mode: 'json' }).$type<Shipment['address']>().notNull(),
    /** `[{ sku, quantity }]`, as JSON. */
    lines: text('lines', { mode: 'json' }).$type<Shipment['lines']>().notNull(),
    /** Epoch ms when automatic dispatch is due; null when off or no longer PENDING. Durable across restarts. */
    dispatchDueAt: integer('dispatch_due_at'),
    /** Epoch ms when automatic delivery is due; null when off or no longer DISPATCHED. */
    deliverDueAt: integer('deliver_due_at'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('shipments_customer').on(t.customerId, t.createdAt),
    index('shipments_status').on(t.status, t.createdAt),
    index('shipments_dispatch_due').on(t.dispatchDueAt),
    index('shipments_deliver_due').on(t.deliverDueAt),
  ],
);

/** Every status a shipment has been in, oldest first. */
export const shipmentHistory = sqliteTable(
  'shipment_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shipmentId: text('shipment_id')
      .notNull()
      .references(() => shipments.id),
    status: text('status', { enum: SHIPMENT_STATUSES }).notNull(),
    at: text('at').notNull(),
    reason: text('reason'),
  },
  (t) => [index('shipment_history_shipment').on(t.shipmentId, t.id)],
);

/**
 * Orders cancelled before their shipment was asked for. Event retries can overtake each other, so an
 * `orders.order.cancelled` may arrive before the `orders.order.confirmed` it cancels; the late create
 * then finds this and records the shipment as already cancelled instead of shipping it.
 */
export const orderCancellations = sqliteTable(
  'order_cancellations',
  {
    orderId: text('order_id').notNull(),
    /**
     * Whose order the orders cell said it was (`POST /shipments/by-order/{id}/cancel`): the late create
     * honours it only for that customer's order. Empty (any customer's) from this cell's own fulfillment.
     */
    customerId: text('customer_id').notNull().default(''),
    at: text('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.customerId] })],
);
