import { and, eq, inArray, max, sql } from 'drizzle-orm';
import type { Order, OrderStatus } from '@retail/orders-contract';
import * as schema from '../db/schema.ts';
import { assertListable } from '../moves.ts';
import type { OrderBook } from '../order-book.ts';
import type { OrdersDb } from '../transition.ts';

/** An order as it is now, and the position of its latest change in this partition (its history's last id). */
export interface FeedEntry {
  order: Order;
  seq: number;
}

/**
 * A customer's orders as a feed. Positions are the ids of `order_history`, which grow with every change
 * in this partition: "what changed after position n" is every order with a history entry past n.
 */
export interface OrderFeed {
  /** 503 (Retry-After) for a customer who moved away: their stream is in their new partition. */
  assertServed(customerId: string): void;
  /** The position of the latest change in the partition. */
  latest(): number;
  /**
   * The customer's orders changed after `after`, oldest change first, at most `limit`. It reads the
   * partition's history from `after` on: a stream whose customer has had no change moves its position
   * on to `latest()` (taken before), so that it never reads a long stretch of other customers' changes.
   */
  since(customerId: string, after: number, limit?: number): FeedEntry[];
  /** The customer's orders not yet at an end state (where a stream without a position starts). */
  active(customerId: string, limit?: number): FeedEntry[];
}

const ACTIVE: OrderStatus[] = ['PENDING', 'CONFIRMED', 'SHIPPED'];
const PAGE = 100;

/**
 * The customer's orders with a history entry after `after`, by their latest. The history after the position
 * first (a range of its primary key: the newest rows), then whose they are. CROSS JOIN keeps SQLite from
 * starting at the customer's orders, all of them; NOT INDEXED keeps it from walking the whole history by
 * the order-id index to save a sort. Either would cost a read of everything on every change.
 */
export const changedSince = (customerId: string, after: number, limit: number) => sql`
  SELECT h.order_id AS id, max(h.id) AS seq FROM order_history h NOT INDEXED CROSS JOIN orders o ON o.id = h.order_id
  WHERE h.id > ${after} AND o.customer_id = ${customerId}
  GROUP BY h.order_id ORDER BY seq LIMIT ${limit}`;

export function createOrderFeed(db: OrdersDb, book: OrderBook): OrderFeed {
  const seq = max(schema.orderHistory.id);
  const entries = (customerId: string, rows: { id: string; seq: number | null }[]): FeedEntry[] =>
    rows.map(({ id, seq }) => ({ order: book.get(id, { customerId, operator: false }), seq: seq ?? 0 }));
  return {
    assertServed: (customerId) => assertListable(db, customerId),
    latest: () => db.select({ seq }).from(schema.orderHistory).get()?.seq ?? 0,
    since: (customerId, after, limit = PAGE) =>
      entries(customerId, db.all<{ id: string; seq: number }>(changedSince(customerId, after, limit))),
    active: (customerId, limit = PAGE) =>
      entries(
        customerId,
        db
          .select({ id: schema.orders.id, seq })
          .from(schema.orders)
          .innerJoin(schema.orderHistory, eq(schema.orderHistory.orderId, schema.orders.id))
          .where(and(eq(schema.orders.customerId, customerId), inArray(schema.orders.status, ACTIVE)))
          .groupBy(schema.orders.id)
          .orderBy(seq)
          .limit(limit)
          .all(),
      ),
  };
}
