import { connectCellBus, startOutboxRelay } from '@retail/events';
import type { CellServiceContext, ComposedService } from '@retail/service';
import { createApp } from './app.ts';
import { createCatalog } from './catalog.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { seedDemoCatalog } from './seed.ts';

export { loadEnv };

/** Composition root: database (+ demo catalog) → NATS (stream + outbox relay) → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { env, logger, verifyToken } = context;
  const database = openOwnDatabase(databaseFile(env));
  const bus = await connectCellBus(context);
  const relay = startOutboxRelay({ db: database.db, js: bus.js, logger });
  const catalog = createCatalog(database.db);
  if (env.SEED_DEMO_DATA) {
    const seeded = seedDemoCatalog(database.db, catalog);
    if (seeded) logger.info({ products: seeded }, 'seeded the demo catalog');
  }
  const app = createApp({ catalog, verifyToken, logger, isReady: bus.isConnected });
  return { app, resources: [database.close, bus.close, relay.stop] };
}
