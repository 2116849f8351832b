import { createLogger } from '@retail/kernel';
import { internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { openOwnDatabase } from '../src/db/open.ts';
import { createOrderBook } from '../src/order-book.ts';

/** The real app over an in-memory database and in-memory internal keys, for `app.request()` tests. */
export async function ordersTestApp() {
  const database = openOwnDatabase(':memory:');
  const tokens = await internalTestTokens('orders');
  const orders = createOrderBook(database.db);
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

export const testAddress = { name: 'Alice Doe', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };

/** A priced order as checkout sends it: 2 × KIT-PAN at 45.00 + 1 × KIT-KNIFE at 89.00. */
export function orderCommand(overrides: Record<string, unknown> = {}) {
  return {
    customerId: 'user-alice',
    idempotencyKey: `key-${Math.random().toString(36).slice(2, 12)}`,
    requestHash: 'a'.repeat(64),
    lines: [
      { sku: 'KIT-PAN', name: 'Cast Iron Pan', quantity: 2, unitPrice: 4500, lineTotal: 9000 },
      { sku: 'KIT-KNIFE', name: 'Chef Knife', quantity: 1, unitPrice: 8900, lineTotal: 8900 },
    ],
    total: 17900,
    currency: 'USD',
    shippingAddress: testAddress,
    ...overrides,
  };
}

/** A request to the app, as the gateway (or checkout) would send it. */
export function caller(t: OrdersTestApp) {
  return (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined || options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = options.raw ?? JSON.stringify(options.body);
    }
    return t.app.request(path, { method, headers, body });
  };
}
