import { internalTokenVerifier } from '@retail/auth';
import { connectBus, ensureStream, startConsumer } from '@retail/events';
import { createLogger, runMain, serveApp } from '@retail/kernel';
import { InventoryStream } from '@retail/inventory-contract';
import { productsCell } from '@retail/products-contract';
import type { Telemetry } from '@retail/telemetry';
import { deadLetterSubject, durableName, internalJwksUrl } from '@retail/topology';
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
    const bus = await connectBus({ url: env.NATS_URL, name: 'products-browse', user: env.NATS_USER, pass: env.NATS_PASS, logger });
    await ensureStream(bus.jsm, { name: productsCell.stream, subjects: [`${productsCell.name}.>`] });
    const common = { bus, db: database.db, logger, deadLetterSubject: deadLetterSubject(productsCell, 'browse') };
    const consumers = [
      startConsumer({ ...common, stream: productsCell.stream, durable: durableName(productsCell, 'browse'), handlers: catalogHandlers }),
      startConsumer({ ...common, stream: InventoryStream, durable: durableName(productsCell, 'browse'), handlers: stockHandlers }),
    ];
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
