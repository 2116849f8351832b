import { randomUUID } from 'node:crypto';
import { runningCell } from '@retail/descriptor';
import { createEvent, type LocalEventHandler } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { ordersCell, orderTransitionCommandSchema } from '@retail/orders-contract';
import { exampleOrderCommand, exampleProducts } from '@retail/orders-contract/testing';
import { ProductSubjects, type Product } from '@retail/products-contract';
import { appCaller, internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { openOwnDatabase } from '../src/db/open.ts';
import { partitionServices } from '../src/partition.ts';
import { priceHandlers } from '../src/prices.ts';

type Db = ReturnType<typeof openOwnDatabase>['db'];

/**
 * Hands the core's price projection one products cell event, as its consumer does (without NATS and the
 * inbox: the consumer's own tests cover those): `products.product.created` or `.updated` with a product,
 * `.deleted` with `{ sku, version }`; `time` is the event's (a deletion's moment).
 */
export function announce(db: Db, type: string, data: unknown, time?: string): void {
  const event = { ...createEvent({ source: '/cells/products/catalog', type, subject: 'x', data }), ...(time ? { time } : {}) };
  const handler = priceHandlers()[type] as LocalEventHandler;
  db.transaction((tx) => handler.handle(tx, handler.schema.parse(data), event));
}

/** The example catalog (`exampleProducts`), as if the products cell had announced each product. */
export const announceCatalog = (db: Db, products: Product[] = exampleProducts) => {
  for (const product of products) announce(db, ProductSubjects.created, { product });
};

/**
 * The real app over an in-memory database (or the SQLite `file`, owned by the partition) and in-memory
 * internal keys, for `app.request()` tests; it runs as `partition` of the orders cell (its events go out
 * addressed to it), `orders-1` unless told.
 */
export async function ordersTestApp(
  options: { partition?: string; file?: string; catalog?: boolean; heartbeatMs?: number; writeTimeoutMs?: number } = {},
) {
  const partition = options.partition ?? 'orders-1';
  const database = options.file ? openOwnDatabase(options.file, partition) : openOwnDatabase(':memory:');
  // Prices known from the start, unless the test is about a core that has heard none yet.
  if (options.catalog ?? true) announceCatalog(database.db);
  const tokens = await internalTestTokens('orders');
  const cell = runningCell(ordersCell, { CELL_PARTITION: partition });
  const { orders, migration, events, hub } = partitionServices(database.db, cell);
  const logger = createLogger({ name: 'test', level: 'silent' });
  const { heartbeatMs, writeTimeoutMs } = options;
  const app = createApp({ orders, migration, events: { ...events, heartbeatMs, writeTimeoutMs }, verifyToken: tokens.verifier, logger });
  const [alice, bob, admin, checkout, migrator, handover] = await Promise.all([
    tokens.sign({ sub: 'user-alice', scopes: ['orders:read', 'orders:write'] }),
    tokens.sign({ sub: 'user-bob', scopes: ['orders:read', 'orders:write'] }),
    tokens.sign({ sub: 'user-admin', scopes: ['orders:read', 'orders:write', 'orders:admin'] }),
    tokens.sign({ sub: 'service:orders/checkout', scopes: ['orders:internal'] }),
    // What the gateway forwards for the placement cell's and another partition's client-credentials tokens.
    tokens.sign({ sub: 'placement', scopes: ['orders:migrate'] }),
    tokens.sign({ sub: 'orders-2', scopes: ['orders:handover'] }),
  ]);
  return {
    app,
    db: database.db,
    sqlite: database.sqlite,
    orders,
    migration,
    hub,
    partition,
    tokens,
    alice,
    bob,
    admin,
    checkout,
    migrator,
    handover,
    close: database.close,
  };
}

export type OrdersTestApp = Awaited<ReturnType<typeof ordersTestApp>>;

export const testAddress = exampleOrderCommand.shippingAddress;

/** An order as checkout sends it (the contract's example: 2 × KIT-PAN, 1 × KIT-KNIFE), under a key of its own. */
export function orderCommand(overrides: Record<string, unknown> = {}) {
  return { ...exampleOrderCommand, idempotencyKey: `key-${Math.random().toString(36).slice(2, 12)}`, ...overrides };
}

/** A request to the app, as the gateway (or checkout) would send it. */
export function caller(t: OrdersTestApp) {
  return appCaller(() => t.app);
}

/** Moves the order along the saga through the given statuses, as checkout does on each event (a key per step). */
export function advanceOrder(t: OrdersTestApp, order: { id: string }, ...moves: Array<'CONFIRMED' | 'SHIPPED' | 'DELIVERED' | 'REJECTED'>) {
  for (const to of moves) {
    const details = {
      CONFIRMED: {},
      REJECTED: { reason: 'no stock' },
      SHIPPED: { shipmentId: 's-1', carrier: 'UPS', trackingNumber: '1Z' },
      DELIVERED: { shipmentId: 's-1' },
    }[to];
    t.orders.advance(order.id, orderTransitionCommandSchema.parse({ to, ...details }), randomUUID());
  }
}
