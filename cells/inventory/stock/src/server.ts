import { internalTokenVerifier } from '@retail/auth';
import { connectCellBus, startComponentConsumers, startOutboxRelay } from '@retail/events';
import { inventoryCell } from '@retail/inventory-contract';
import { createLogger, runMain, serveApp } from '@retail/kernel';
import type { Telemetry } from '@retail/telemetry';
import { internalJwksUrl } from '@retail/topology';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, loadEnv } from './env.ts';
import { productHandlers } from './events/subscriptions.ts';
import { createReservations } from './reservations.ts';
import { createStock } from './stock.ts';

/** Composition root: env → database → NATS (stream, outbox relay, product consumer) → HTTP; torn down in reverse. */
export function start(telemetry: Telemetry): void {
  runMain(async () => {
    const env = loadEnv();
    const logger = createLogger({ name: 'inventory-stock', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: 'inventory', component: 'stock' } });
    const database = openOwnDatabase(databaseFile(env));
    const bus = await connectCellBus({ cell: inventoryCell, component: 'stock', env, logger });
    const relay = startOutboxRelay({ db: database.db, js: bus.js, logger });
    const consumers = startComponentConsumers({
      bus,
      db: database.db,
      logger,
      cell: inventoryCell,
      component: 'stock',
      handlers: productHandlers({ newProductStock: env.NEW_PRODUCT_STOCK, afterCommit: relay.poke }),
    });
    const verifyToken = internalTokenVerifier(inventoryCell.name, internalJwksUrl(env.CELL_GATEWAY_URL));
    const app = createApp({
      stock: createStock(database.db, relay.poke),
      reservations: createReservations(database.db, relay.poke),
      verifyToken,
      logger,
      isReady: bus.isConnected,
    });
    await serveApp({
      app,
      port: env.PORT,
      hostname: env.HOST,
      logger,
      onShutdown: [telemetry.shutdown, database.close, bus.close, relay.stop, ...consumers.map((c) => c.stop)],
    });
  });
}
