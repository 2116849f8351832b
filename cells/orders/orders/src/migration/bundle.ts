import { and, asc, eq, sql } from 'drizzle-orm';
import { firstDelivery, placeholders, prepared } from '@retail/data';
import { durableName } from '@retail/descriptor';
import { ordersCell, type CustomerBundle, type ImportCommand, type MovingOrder } from '@retail/orders-contract';
import * as schema from '../db/schema.ts';
import { MoveConflictError } from '../errors.ts';
import { moveOf } from '../moves.ts';
import { recordHistory, type OrdersDb, type OrdersTx } from '../transition.ts';
import { refuse, setMove } from './holding.ts';

/** Who records the Idempotency-Keys of saga steps in the inbox: the same consumer as `advance`. */
const INBOX_CONSUMER = durableName(ordersCell, 'orders');

/**
 * Everything a frozen customer has here, as of the freeze: every column of each order (its
 * Idempotency-Key and request hash, so a replay is answered the same in the new partition) and its
 * history with the key of the saga step behind each entry. Only while the customer is `leaving` under
 * this migration: before the freeze it could still change, after the release it is gone.
 */
export function exportBundle(db: OrdersDb, partition: string, customerId: string, migrationId: string): CustomerBundle {
  return db.transaction((tx) => {
    const move = moveOf(tx, customerId);
    if (move?.state !== 'leaving' || move.migrationId !== migrationId)
      refuse(customerId, move, `only a customer frozen for migration ${migrationId} can be exported`);
    const rows = tx
      .select()
      .from(schema.orders)
      .where(eq(schema.orders.customerId, customerId))
      .orderBy(asc(schema.orders.createdAt), asc(sql`rowid`))
      .all();
    const history = tx
      .select({ entry: schema.orderHistory })
      .from(schema.orderHistory)
      .innerJoin(schema.orders, eq(schema.orders.id, schema.orderHistory.orderId))
      .where(eq(schema.orders.customerId, customerId))
      .orderBy(asc(schema.orderHistory.id))
      .all();
    const byOrder = Map.groupBy(
      history.map((h) => h.entry),
      (h) => h.orderId,
    );
    const orders: MovingOrder[] = rows.map((row) => ({
      id: row.id,
      customerId: row.customerId,
      status: row.status,
      lines: row.lines,
      total: row.total,
      currency: row.currency as MovingOrder['currency'],
      shippingAddress: row.shippingAddress,
      idempotencyKey: row.idempotencyKey,
      requestHash: row.requestHash,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      history: (byOrder.get(row.id) ?? []).map((h) => ({ status: h.status, at: h.at, reason: h.reason, key: h.key })),
    }));
    return { customerId, from: partition, orders };
  });
}

const insertMovedOrder = (tx: OrdersTx) =>
  prepared(tx, 'migration.insertOrder', (d) =>
    d
      .insert(schema.orders)
      .values(
        placeholders(
          'id',
          'customerId',
          'status',
          'lines',
          'total',
          'currency',
          'shippingAddress',
          'idempotencyKey',
          'requestHash',
          'createdAt',
          'updatedAt',
          'migrationId',
        ),
      )
      .prepare(),
  );
const heldOrder = (tx: OrdersTx) =>
  prepared(tx, 'migration.heldOrder', (d) =>
    d
      .select({ id: schema.orders.id, customerId: schema.orders.customerId })
      .from(schema.orders)
      .where(eq(schema.orders.id, sql.placeholder('id')))
      .prepare(),
  );
const keyTaken = (tx: OrdersTx) =>
  prepared(tx, 'migration.keyTaken', (d) =>
    d
      .select({ id: schema.orders.id })
      .from(schema.orders)
      .where(
        and(
          eq(schema.orders.customerId, sql.placeholder('customerId')),
          eq(schema.orders.idempotencyKey, sql.placeholder('idempotencyKey')),
        ),
      )
      .prepare(),
  );
const dropTombstone = (tx: OrdersTx) =>
  prepared(tx, 'migration.dropTombstone', (d) =>
    d
      .delete(schema.movedOrders)
      .where(eq(schema.movedOrders.orderId, sql.placeholder('orderId')))
      .prepare(),
  );

/**
 * Store what a customer had in another partition, in one transaction: each order not held here with
 * its history (keys kept) and `migration_id`; every key of a saga step recorded in the inbox, so an
 * event applied there before the move is not applied again here; the customer `arriving`. An order
 * already held for this customer is skipped (a repeated import); one held for another customer → 409.
 * The caller has checked that the bundle is this customer's.
 */
export function importBundle(db: OrdersDb, customerId: string, { migrationId, bundle }: ImportCommand): void {
  db.transaction((tx) => {
    const move = moveOf(tx, customerId);
    if (move?.state === 'leaving') refuse(customerId, move, 'a customer frozen here for a move cannot be imported here');
    for (const order of bundle.orders) {
      const held = heldOrder(tx).get({ id: order.id });
      if (held) {
        if (held.customerId !== customerId)
          throw new MoveConflictError(`Order ${order.id} is held here for another customer; nothing was imported.`, { orderId: order.id });
        continue;
      }
      const sameKey = keyTaken(tx).get({ customerId, idempotencyKey: order.idempotencyKey });
      if (sameKey)
        throw new MoveConflictError(
          `Order ${order.id} was placed with the Idempotency-Key of order ${sameKey.id}, held here; nothing was imported.`,
          { orderId: order.id },
        );
      const { history, ...columns } = order;
      insertMovedOrder(tx).run({ ...columns, migrationId });
      for (const entry of history) {
        recordHistory(tx, { orderId: order.id, ...entry });
        if (entry.key) firstDelivery(tx, { eventId: entry.key, consumer: INBOX_CONSUMER, type: `transition:${entry.status}` });
      }
      dropTombstone(tx).run({ orderId: order.id }); // it is here again (a customer moving back)
    }
    setMove(tx, { customerId, state: 'arriving', migrationId, partition: bundle.from });
  });
}
