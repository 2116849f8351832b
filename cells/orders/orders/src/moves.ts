import { eq, sql } from 'drizzle-orm';
import { mayView, prepared, type Viewer } from '@retail/data';
import * as schema from './db/schema.ts';
import { CustomerMovingError, OrderMovedError, OrderNotFoundError, orderMovedAway, ordersMovedAway } from './errors.ts';
import type { OrdersDb, OrdersTx } from './transition.ts';

/**
 * The order book's side of moving customers between partitions (README, "Moving customers between
 * partitions"): where a customer stands (`customer_moves`) and where a moved order went (`moved_orders`,
 * the tombstones). The checks run on every write, inside its transaction, so a freeze committed before
 * means no write for that customer commits after; their queries are prepared once per database.
 */

type On = OrdersDb | OrdersTx;
export type CustomerMove = typeof schema.customerMoves.$inferSelect;
export type Tombstone = typeof schema.movedOrders.$inferSelect;

/** The customer's move here, if one is under way or done; undefined: served here as usual. */
export const moveOf = (on: On, customerId: string): CustomerMove | undefined =>
  prepared(on, 'moves.byCustomer', (d) =>
    d
      .select()
      .from(schema.customerMoves)
      .where(eq(schema.customerMoves.customerId, sql.placeholder('customerId')))
      .prepare(),
  ).get({ customerId });

/** Where an order that is no longer here went, if it moved. */
export const tombstoneOf = (on: On, orderId: string): Tombstone | undefined =>
  prepared(on, 'moves.tombstone', (d) =>
    d
      .select()
      .from(schema.movedOrders)
      .where(eq(schema.movedOrders.orderId, sql.placeholder('orderId')))
      .prepare(),
  ).get({ orderId });

/** Nothing of a customer frozen for a move (`leaving`) or moved away (`gone`) is written here: 409 `moving`. */
export function assertServed(on: On, customerId: string): void {
  const move = moveOf(on, customerId);
  if (move && move.state !== 'arriving') throw new CustomerMovingError(customerId, move.partition);
}

/** A saga step for an order not held here: 410 naming its partition when it moved, else 404. */
export function missingForSaga(on: On, id: string): never {
  const moved = tombstoneOf(on, id);
  if (moved) throw new OrderMovedError(id, moved.partition);
  throw new OrderNotFoundError(id);
}

/**
 * A viewer asking for an order not held here: its customer (or an operator) is told to try again (503,
 * Retry-After: 1: the cell router sends them to the new partition within a second); anyone else gets
 * the 404 they would get for an order that never existed.
 */
export function missingForViewer(on: On, id: string, viewer: Viewer): never {
  const moved = tombstoneOf(on, id);
  if (moved && mayView(viewer, moved.customerId)) throw orderMovedAway(id, moved.partition);
  throw new OrderNotFoundError(id);
}

/** The list of a customer who moved away is not here any more: 503, Retry-After: 1. */
export function assertListable(on: On, customerId: string): void {
  const move = moveOf(on, customerId);
  if (move?.state === 'gone') throw ordersMovedAway(move.partition);
}
