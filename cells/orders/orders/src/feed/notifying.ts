import type { CustomerMigration } from '../migration/customer-migration.ts';
import type { OrderBook } from '../order-book.ts';
import type { ChangeHub } from './changes.ts';

/** The order book telling the customer's open streams of every change it committed. */
export function notifyingOrderBook(book: OrderBook, hub: ChangeHub): OrderBook {
  return {
    ...book,
    cancel(id, viewer, ifStatus) {
      const order = book.cancel(id, viewer, ifStatus);
      hub.changed(order.customerId);
      return order;
    },
    place(command) {
      const placed = book.place(command);
      if (placed.created) hub.changed(command.customerId);
      return placed;
    },
    advance(id, command, key) {
      const advanced = book.advance(id, command, key);
      if (advanced.applied) hub.changed(advanced.order.customerId);
      return advanced;
    },
  };
}

/** A customer released to another partition: their streams here end (and reconnect, to the new one). */
export function notifyingMigration(migration: CustomerMigration, hub: ChangeHub): CustomerMigration {
  return {
    ...migration,
    release(customerId, command) {
      const holding = migration.release(customerId, command);
      hub.ended(customerId);
      return holding;
    },
  };
}
