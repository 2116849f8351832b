import { internalTokenVerifier } from '@retail/auth';
import { connectCellBus, startOutboxRelay } from '@retail/events';
import { createLogger, runMain, serveApp } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import type { Telemetry } from '@retail/telemetry';
import { internalJwksUrl } from '@retail/topology';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, loadEnv } from './env.ts';
import { createOrderBook } from './order-book.ts';

/** Composition root: env → database → NATS (stream + outbox relay) → HTTP; torn down in reverse. */
export function start(telemetry: Telemetry): void {
  runMain(async () => {
    const env = loadEnv();
    const logger = createLogger({ name: 'orders-orders', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: 'orders', component: 'orders' } });
    const database = openOwnDatabase(databaseFile(env));
    const bus = await connectCellBus({ cell: ordersCell, component: 'orders', env, logger });
    const relay = startOutboxRelay({ db: database.db, js: bus.js, logger });
    const orders = createOrderBook(database.db, relay.poke);
    const verifyToken = internalTokenVerifier(ordersCell.name, internalJwksUrl(env.CELL_GATEWAY_URL));
    const app = createApp({ orders, verifyToken, logger, isReady: bus.isConnected });
    await serveApp({
      app,
      port: env.PORT,
      hostname: env.HOST,
      logger,
      onShutdown: [telemetry.shutdown, database.close, bus.close, relay.stop],
    });
  });
}
