import { createLogger } from '@retail/kernel';
import { internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { openOwnDatabase } from '../src/db/open.ts';

/** The real app over an in-memory read model and in-memory internal keys, for `app.request()` tests. */
export async function browseTestApp() {
  const database = openOwnDatabase(':memory:');
  const tokens = await internalTestTokens('products');
  const app = createApp({ db: database.db, verifyToken: tokens.verifier, logger: createLogger({ name: 'test', level: 'silent' }) });
  const anonymous = await tokens.sign({ sub: 'anonymous' });
  return { app, db: database.db, tokens, anonymous, close: database.close };
}
