import { createLogger } from '@retail/kernel';
import { internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { openOwnDatabase } from '../src/db/open.ts';
import { createReservations } from '../src/reservations.ts';
import { createStock } from '../src/stock.ts';

/** The real app over an in-memory database and in-memory internal keys, for `app.request()` tests. */
export async function stockTestApp() {
  const database = openOwnDatabase(':memory:');
  const tokens = await internalTestTokens('inventory');
  const app = createApp({
    stock: createStock(database.db),
    reservations: createReservations(database.db),
    verifyToken: tokens.verifier,
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
  const admin = await tokens.sign({ sub: 'user-admin', scopes: ['inventory:write'] });
  const customer = await tokens.sign({ sub: 'user-alice', scopes: ['orders:read', 'orders:write'] });
  const anonymous = await tokens.sign({ sub: 'anonymous' });
  const allocation = await tokens.sign({ sub: 'service:inventory/allocation', scopes: ['inventory:internal'] });
  return { app, db: database.db, tokens, admin, customer, anonymous, allocation, close: database.close };
}
