import { runningCell } from '@retail/descriptor';
import { eventOrigin } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import { examplePricedOrder } from '@retail/orders-contract/testing';
import { appCaller, internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { openOwnDatabase } from '../src/db/open.ts';
import { createOrderBook } from '../src/order-book.ts';

/**
 * The real app over an in-memory database and in-memory internal keys, for `app.request()` tests; it runs
 * as `partition` of the orders cell (its events go out addressed to it), `orders-1` unless told.
 */
export async function ordersTestApp(options: { partition?: string } = {}) {
  const database = openOwnDatabase(':memory:');
  const tokens = await internalTestTokens('orders');
  const cell = runningCell(ordersCell, { CELL_PARTITION: options.partition ?? 'orders-1' });
  const orders = createOrderBook(database.db, eventOrigin(cell, 'orders'));
  const app = createApp({ orders, verifyToken: tokens.verifier, logger: createLogger({ name: 'test', level: 'silent' }) });
  const [alice, bob, admin, checkout] = await Promise.all([
    tokens.sign({ sub: 'user-alice', scopes: ['orders:read', 'orders:write'] }),
    tokens.sign({ sub: 'user-bob', scopes: ['orders:read', 'orders:write'] }),
    tokens.sign({ sub: 'user-admin', scopes: ['orders:read', 'orders:write', 'orders:admin'] }),
    tokens.sign({ sub: 'service:orders/checkout', scopes: ['orders:internal'] }),
  ]);
  return { app, db: database.db, orders, tokens, alice, bob, admin, checkout, close: database.close };
}

export type OrdersTestApp = Awaited<ReturnType<typeof ordersTestApp>>;

export const testAddress = examplePricedOrder.shippingAddress;

/** A priced order as checkout sends it (the contract's example), under a key of its own. */
export function orderCommand(overrides: Record<string, unknown> = {}) {
  return { ...examplePricedOrder, idempotencyKey: `key-${Math.random().toString(36).slice(2, 12)}`, ...overrides };
}

/** A request to the app, as the gateway (or checkout) would send it. */
export function caller(t: OrdersTestApp) {
  return appCaller(() => t.app);
}
