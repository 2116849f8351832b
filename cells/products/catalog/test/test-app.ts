import { createLogger } from '@retail/kernel';
import { internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { createCatalog } from '../src/catalog.ts';
import { openOwnDatabase } from '../src/db/open.ts';

/** The real app over an in-memory database and in-memory internal keys, for `app.request()` tests. */
export async function catalogTestApp() {
  const database = openOwnDatabase(':memory:');
  const tokens = await internalTestTokens('products');
  const catalog = createCatalog(database.db);
  const app = createApp({ catalog, verifyToken: tokens.verifier, logger: createLogger({ name: 'test', level: 'silent' }) });
  const admin = await tokens.sign({ sub: 'user-admin', scopes: ['products:write'] });
  const customer = await tokens.sign({ sub: 'user-alice', scopes: ['orders:read'] });
  return { app, db: database.db, tokens, admin, customer, close: database.close };
}
