import { count, eq } from 'drizzle-orm';
import type { CustomerHolding } from '@retail/orders-contract';
import * as schema from '../db/schema.ts';
import { MoveConflictError } from '../errors.ts';
import { moveOf, type CustomerMove } from '../moves.ts';
import type { OrdersDb, OrdersTx } from '../transition.ts';

type On = OrdersDb | OrdersTx;

/** Where the customer stands here: the answer of every migration route. */
export function holdingOf(on: On, customerId: string): CustomerHolding {
  const move = moveOf(on, customerId);
  const orders = on.select({ n: count() }).from(schema.orders).where(eq(schema.orders.customerId, customerId)).get()?.n ?? 0;
  const history =
    on
      .select({ n: count() })
      .from(schema.orderHistory)
      .innerJoin(schema.orders, eq(schema.orders.id, schema.orderHistory.orderId))
      .where(eq(schema.orders.customerId, customerId))
      .get()?.n ?? 0;
  return {
    customerId,
    state: move?.state ?? 'serving',
    orders,
    history,
    migrationId: move?.migrationId ?? null,
    partition: move?.partition ?? null,
  };
}

/** Set the customer's move row (one per customer: a new state replaces the old). */
export function setMove(tx: OrdersTx, move: Omit<CustomerMove, 'at'>): void {
  const row = { ...move, at: new Date().toISOString() };
  tx.insert(schema.customerMoves)
    .values(row)
    .onConflictDoUpdate({
      target: schema.customerMoves.customerId,
      set: { state: row.state, migrationId: row.migrationId, partition: row.partition, at: row.at },
    })
    .run();
}

export function dropMove(tx: OrdersTx, customerId: string): void {
  tx.delete(schema.customerMoves).where(eq(schema.customerMoves.customerId, customerId)).run();
}

/** 409 naming where the customer stands, for a command that does not fit it. */
export function refuse(customerId: string, move: CustomerMove | undefined, wanted: string): never {
  const where = move ? `${move.state} under migration ${move.migrationId} (${move.partition})` : 'served here, with no move under way';
  throw new MoveConflictError(`Customer ${customerId} is ${where}: ${wanted}.`, {
    customerState: move?.state ?? 'serving',
    migrationId: move?.migrationId ?? null,
  });
}
