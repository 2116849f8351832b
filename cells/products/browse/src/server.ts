import { internalTokenVerifier } from '@retail/auth';
import { connectCellBus, startComponentConsumers } from '@retail/events';
import { createLogger, runMain, serveApp } from '@retail/kernel';
import { productsCell } from '@retail/products-contract';
import type { Telemetry } from '@retail/telemetry';
import { internalJwksUrl } from '@retail/topology';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, loadEnv } from './env.ts';
import { catalogHandlers, stockHandlers } from './events/subscriptions.ts';

/** Composition root: env → database → NATS consumers → HTTP; torn down in reverse. */
export function start(telemetry: Telemetry): void {
  runMain(async () => {
    const env = loadEnv();
    const logger = createLogger({ name: 'products-browse', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: 'products', component: 'browse' } });
    const database = openOwnDatabase(databaseFile(env));
    const bus = await connectCellBus({ cell: productsCell, component: 'browse', env, logger });
    const consumers = startComponentConsumers({
      bus,
      db: database.db,
      logger,
      cell: productsCell,
      component: 'browse',
      handlers: { ...catalogHandlers, ...stockHandlers },
    });
    const verifyToken = internalTokenVerifier(productsCell.name, internalJwksUrl(env.CELL_GATEWAY_URL));
    const app = createApp({ db: database.db, verifyToken, logger, isReady: bus.isConnected });
    await serveApp({
      app,
      port: env.PORT,
      hostname: env.HOST,
      logger,
      onShutdown: [telemetry.shutdown, database.close, bus.close, ...consumers.map((c) => c.stop)],
    });
  });
}
