import { internalTokenVerifier } from '@retail/auth';
import { connectCellBus, startOutboxRelay } from '@retail/events';
import { createLogger, runMain, serveApp } from '@retail/kernel';
import { productsCell } from '@retail/products-contract';
import type { Telemetry } from '@retail/telemetry';
import { internalJwksUrl } from '@retail/topology';
import { createApp } from './app.ts';
import { createCatalog } from './catalog.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, loadEnv } from './env.ts';
import { seedDemoCatalog } from './seed.ts';

/** Composition root: env → database → NATS (stream + outbox relay) → HTTP; torn down in reverse. */
export function start(telemetry: Telemetry): void {
  runMain(async () => {
    const env = loadEnv();
    const logger = createLogger({ name: 'products-catalog', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: 'products', component: 'catalog' } });
    const database = openOwnDatabase(databaseFile(env));
    const bus = await connectCellBus({ cell: productsCell, component: 'catalog', env, logger });
    const relay = startOutboxRelay({ db: database.db, js: bus.js, logger });
    const catalog = createCatalog(database.db, relay.poke);
    if (env.SEED_DEMO_DATA) {
      const seeded = seedDemoCatalog(database.db, catalog);
      if (seeded) logger.info({ products: seeded }, 'seeded the demo catalog');
    }
    const verifyToken = internalTokenVerifier(productsCell.name, internalJwksUrl(env.CELL_GATEWAY_URL));
    const app = createApp({ catalog, verifyToken, logger, isReady: bus.isConnected });
    await serveApp({
      app,
      port: env.PORT,
      hostname: env.HOST,
      logger,
      onShutdown: [telemetry.shutdown, database.close, bus.close, relay.stop],
    });
  });
}
