import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { CustomerBundle, CustomerHolding, HeldCustomers, ImportCommand, MoveCommand, UndoMoveCommand } from '@retail/orders-contract';
import * as schema from '../db/schema.ts';
import { moveOf } from '../moves.ts';
import type { OrdersDb, OrdersTx } from '../transition.ts';
import { exportBundle, importBundle } from './bundle.ts';
import { dropMove, holdingOf, refuse, setMove } from './holding.ts';

/** The ids of the customer's orders here (a subquery). */
const ordersOf = (tx: OrdersTx, customerId: string) =>
  tx.select({ id: schema.orders.id }).from(schema.orders).where(eq(schema.orders.customerId, customerId));

/**
 * This partition's side of moving one customer to another partition (README, "Moving customers between
 * partitions"), driven by the placement cell's migration controller. Each command is one transaction,
 * answers where the customer now stands, and may be repeated: the same command again changes nothing.
 *
 * On the partition the customer leaves: `freeze` → `exportBundle` → (the controller imports it in the
 * target and moves the customer's placement) → `release`; `unfreeze` undoes a freeze. On the target:
 * `import`; `discard` undoes it.
 */
export interface CustomerMigration {
  /** `leaving` (to `to`): no write of theirs commits here from now on. From no move or `arriving`. */
  freeze(customerId: string, command: MoveCommand): CustomerHolding;
  /** Every order of a customer frozen under `migrationId`, with its history and keys. */
  exportBundle(customerId: string, migrationId: string): CustomerBundle;
  /** Store the bundle another partition exported; the customer `arriving`. */
  import(customerId: string, command: ImportCommand): CustomerHolding;
  /** Tombstone every order of a customer frozen under the migration, forget them, the customer `gone`. */
  release(customerId: string, command: MoveCommand): CustomerHolding;
  /** Undo `freeze`: the move was rolled back and the customer is served here again. */
  unfreeze(customerId: string, command: UndoMoveCommand): CustomerHolding;
  /** Undo `import`: forget the orders the migration brought, and its `arriving` mark. */
  discard(customerId: string, command: UndoMoveCommand): CustomerHolding;
  /** Every customer with orders here, and how many (a partition being drained). */
  held(): HeldCustomers;
}

/** `partition`: the one this service runs as (`orders-2`): where an export says the customer comes from. */
export function createCustomerMigration(db: OrdersDb, partition: string): CustomerMigration {
  const answer = (customerId: string) => holdingOf(db, customerId);

  return {
    freeze(customerId, { migrationId, to }) {
      db.transaction((tx) => {
        const move = moveOf(tx, customerId);
        if (move?.state === 'leaving' && move.migrationId === migrationId && move.partition === to) return; // again
        if (move && (move.state !== 'arriving' || move.migrationId === migrationId))
          refuse(customerId, move, `it cannot be frozen for migration ${migrationId} to ${to}`);
        setMove(tx, { customerId, state: 'leaving', migrationId, partition: to });
      });
      return answer(customerId);
    },

    exportBundle: (customerId, migrationId) => exportBundle(db, partition, customerId, migrationId),

    import(customerId, command) {
      importBundle(db, customerId, command);
      return answer(customerId);
    },

    release(customerId, { migrationId, to }) {
      db.transaction((tx) => {
        const move = moveOf(tx, customerId);
        const ours = move?.migrationId === migrationId && move.partition === to;
        if (ours && move.state === 'gone') return; // again
        if (!ours || move.state !== 'leaving')
          refuse(customerId, move, `only a customer frozen for migration ${migrationId} to ${to} can be released`);
        const at = new Date().toISOString();
        const { orders, orderHistory, movedOrders } = schema;
        // Where each order went (a tombstone); one that moved here and away before points to the latest.
        tx.run(sql`insert or replace into ${movedOrders} (order_id, customer_id, partition, migration_id, at)
          select ${orders.id}, ${orders.customerId}, ${to}, ${migrationId}, ${at} from ${orders} where ${orders.customerId} = ${customerId}`);
        tx.delete(orderHistory)
          .where(inArray(orderHistory.orderId, ordersOf(tx, customerId)))
          .run();
        tx.delete(orders).where(eq(orders.customerId, customerId)).run();
        setMove(tx, { customerId, state: 'gone', migrationId, partition: to });
      });
      return answer(customerId);
    },

    unfreeze(customerId, { migrationId }) {
      db.transaction((tx) => {
        const move = moveOf(tx, customerId);
        if (!move) return; // never frozen, or unfrozen before
        if (move.state !== 'leaving' || move.migrationId !== migrationId)
          refuse(customerId, move, `only a freeze for migration ${migrationId} can be undone`);
        dropMove(tx, customerId);
      });
      return answer(customerId);
    },

    discard(customerId, { migrationId }) {
      db.transaction((tx) => {
        const move = moveOf(tx, customerId);
        const { orders, orderHistory, movedOrders } = schema;
        const brought = and(eq(orders.customerId, customerId), eq(orders.migrationId, migrationId));
        const imported = tx.select({ n: count() }).from(orders).where(brought).get()?.n ?? 0;
        // Frozen for another move, the orders are what that move exports: they stay.
        if (imported > 0 && move && move.state !== 'arriving')
          refuse(customerId, move, `the orders migration ${migrationId} brought cannot be discarded now`);
        const ours = move?.state === 'arriving' && move.migrationId === migrationId;
        // They stay where they came from: events still addressed here for them (orders placed here before
        // the customer first moved away, whose tombstones the import removed) follow them there.
        if (ours && imported > 0)
          tx.run(sql`insert or replace into ${movedOrders} (order_id, customer_id, partition, migration_id, at)
            select ${orders.id}, ${orders.customerId}, ${move.partition}, ${migrationId}, ${new Date().toISOString()} from ${orders} where ${brought}`);
        tx.delete(orderHistory)
          .where(inArray(orderHistory.orderId, tx.select({ id: orders.id }).from(orders).where(brought)))
          .run();
        tx.delete(orders).where(brought).run();
        if (ours) dropMove(tx, customerId);
      });
      return answer(customerId);
    },

    held() {
      const customers = db
        .select({ customerId: schema.orders.customerId, orders: count() })
        .from(schema.orders)
        .groupBy(schema.orders.customerId)
        .orderBy(schema.orders.customerId)
        .all();
      return { customers };
    },
  };
}
