import { and, eq, sql } from 'drizzle-orm';
import { trace } from '@opentelemetry/api';
import { placeholders, prepared, type Db, type Tx } from '@retail/data';
import { canTransition, type OrderStatus } from '@retail/orders-contract';
import * as schema from './db/schema.ts';
import { IllegalTransitionError } from './errors.ts';

export type OrdersDb = Db<typeof schema>;
export type OrdersTx = Tx<typeof schema>;
export type OrderRow = typeof schema.orders.$inferSelect;

/**
 * The one way an order changes status (inside the caller's transaction): refuses every move the state
 * machine (`ORDER_TRANSITIONS` in the contract) does not list, and records the move in the history.
 * The update is conditional on the status read, so a stale read can never overwrite a newer status.
 * `key`: the Idempotency-Key (event id) of the saga step behind the move, kept with the history entry
 * so that a move to another partition carries it along (see migration/bundle.ts).
 */
export function transition(tx: OrdersTx, order: OrderRow, to: OrderStatus, reason?: string, key?: string): OrderRow {
  if (!canTransition(order.status, to)) throw new IllegalTransitionError(order, to);
  const at = new Date().toISOString();
  const updated = moveStatus(tx).get({ id: order.id, from: order.status, to, at });
  if (!updated) throw new IllegalTransitionError(order, to, `Order ${order.id} changed while it was being moved to ${to}; try again.`);
  recordHistory(tx, { orderId: order.id, status: to, at, reason: reason ?? null, key: key ?? null });
  recordStatus(order.id, to, order.status);
  return updated;
}

// Prepared once per database: every saga step runs them (see @retail/data's prepared).
const moveStatus = (tx: OrdersTx) =>
  prepared(tx, 'orders.moveStatus', (d) =>
    d
      .update(schema.orders)
      .set({ status: sql`${sql.placeholder('to')}`, updatedAt: sql`${sql.placeholder('at')}` })
      .where(and(eq(schema.orders.id, sql.placeholder('id')), eq(schema.orders.status, sql.placeholder('from'))))
      .returning()
      .prepare(),
  );

/** One entry of the order's history, in the caller's transaction; `key`: the saga step's Idempotency-Key, if one made it. */
export function recordHistory(
  tx: OrdersTx,
  entry: { orderId: string; status: OrderStatus; at: string; reason: string | null; key?: string | null },
): void {
  prepared(tx, 'orders.recordHistory', (d) =>
    d
      .insert(schema.orderHistory)
      .values(placeholders('orderId', 'status', 'at', 'reason', 'key'))
      .prepare(),
  ).run({ ...entry, key: entry.key ?? null });
}

/** The saga's progress as a span event on the request or event being handled (seen in the order's trace). */
export function recordStatus(orderId: string, to: OrderStatus, from?: OrderStatus): void {
  trace
    .getActiveSpan()
    ?.addEvent('order.status', { 'order.id': orderId, 'order.status': to, ...(from ? { 'order.status.previous': from } : {}) });
}
