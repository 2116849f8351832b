import { instanceName, type CellDescriptor } from '@retail/descriptor';
import { eventOrigin } from '@retail/events';
import type { OrdersDeps } from './app.ts';
import { createChangeHub, type ChangeHub } from './feed/changes.ts';
import { notifyingMigration, notifyingOrderBook } from './feed/notifying.ts';
import { createOrderFeed } from './feed/order-feed.ts';
import { createCustomerMigration } from './migration/customer-migration.ts';
import { createOrderBook } from './order-book.ts';
import type { OrdersDb } from './transition.ts';

/**
 * What a partition serves over its database: the order book, the moves of its customers, and the
 * customers' streams of their orders. Every change the book or a move commits is signalled to the
 * customer's open streams. `cell`: the running partition (`runningCell`), which its events name.
 */
export function partitionServices(
  db: OrdersDb,
  cell: CellDescriptor,
): Pick<OrdersDeps, 'orders' | 'migration' | 'events'> & { hub: ChangeHub } {
  const hub = createChangeHub();
  const book = createOrderBook(db, eventOrigin(cell, 'orders'));
  const partition = instanceName(cell);
  return {
    orders: notifyingOrderBook(book, hub),
    migration: notifyingMigration(createCustomerMigration(db, partition), hub),
    events: { feed: createOrderFeed(db, book), hub, partition },
    hub,
  };
}
