import { internalTokenVerifier } from '@retail/auth';
import { connectCellBus, startOutboxRelay } from '@retail/events';
import { createLogger, runMain, serveApp } from '@retail/kernel';
import { shippingCell } from '@retail/shipping-contract';
import type { Telemetry } from '@retail/telemetry';
import { internalJwksUrl } from '@retail/topology';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, loadEnv } from './env.ts';
import { startAutoShipping } from './scheduler.ts';
import { createShipments } from './shipments.ts';

/** Composition root: env → database → NATS (stream + outbox relay) → scheduler → HTTP; torn down in reverse. */
export function start(telemetry: Telemetry): void {
  runMain(async () => {
    const env = loadEnv();
    const logger = createLogger({ name: 'shipping-shipments', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: 'shipping', component: 'shipments' } });
    const database = openOwnDatabase(databaseFile(env));
    const bus = await connectCellBus({ cell: shippingCell, component: 'shipments', env, logger });
    const relay = startOutboxRelay({ db: database.db, js: bus.js, logger });
    const clock = Date.now;
    const shipments = createShipments(database.db, {
      afterCommit: relay.poke,
      clock,
      autoDispatchAfterMs: env.AUTO_DISPATCH_AFTER_MS,
      autoDeliverAfterMs: env.AUTO_DELIVER_AFTER_MS,
    });
    const autoShipping = startAutoShipping({ shipments, clock, logger, dispatch: env.AUTO_DISPATCH_AFTER_MS > 0, deliver: env.AUTO_DELIVER_AFTER_MS > 0 });
    if (env.AUTO_DISPATCH_AFTER_MS || env.AUTO_DELIVER_AFTER_MS) {
      logger.info({ dispatchAfterMs: env.AUTO_DISPATCH_AFTER_MS, deliverAfterMs: env.AUTO_DELIVER_AFTER_MS }, 'automatic dispatch/delivery on');
    }
    const verifyToken = internalTokenVerifier(shippingCell.name, internalJwksUrl(env.CELL_GATEWAY_URL));
    const app = createApp({ shipments, verifyToken, logger, isReady: bus.isConnected });
    await serveApp({
      app,
      port: env.PORT,
      hostname: env.HOST,
      logger,
      onShutdown: [telemetry.shutdown, database.close, bus.close, relay.stop, autoShipping.stop],
    });
  });
}
