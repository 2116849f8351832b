import { type CellServiceContext, type ComposedService, openCoreStore } from '@retail/service/compose';
import { createApp } from './app.ts';
import { createCatalog } from './catalog.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { seedDemoCatalog } from './seed.ts';

export { loadEnv };

/** Composition root: its store (database, NATS, outbox relay) → demo catalog → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { env, logger, verifyToken } = context;
  const { db, bus, resources } = await openCoreStore(context, openOwnDatabase(databaseFile(env)));
  const catalog = createCatalog(db);
  if (env.SEED_DEMO_DATA) {
    const seeded = seedDemoCatalog(db, catalog);
    if (seeded) logger.info({ products: seeded }, 'seeded the demo catalog');
  }
  const app = createApp({ catalog, verifyToken, logger, isReady: bus.isConnected });
  return { app, resources };
}
