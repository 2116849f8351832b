import { type CellServiceContext, type ComposedService, openCoreStore } from '@retail/service/compose';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { startAutoShipping } from './scheduler.ts';
import { createShipments } from './shipments.ts';

export { loadEnv };

/** Composition root: its store (database, NATS, outbox relay) → automatic shipping → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { env, logger, verifyToken } = context;
  const { db, bus, resources } = await openCoreStore(context, openOwnDatabase(databaseFile(env)));
  const clock = Date.now;
  // Read at each shipment and each tick: the live configuration changes them in place.
  const delays = { autoDispatchAfterMs: env.AUTO_DISPATCH_AFTER_MS, autoDeliverAfterMs: env.AUTO_DELIVER_AFTER_MS };
  const shipments = createShipments(db, { clock, delays });
  const autoShipping = startAutoShipping({ shipments, clock, logger, delays });
  if (delays.autoDispatchAfterMs || delays.autoDeliverAfterMs) logger.info(delays, 'automatic dispatch/delivery on');
  const app = createApp({ shipments, verifyToken, logger, isReady: bus.isConnected });
  return {
    app,
    live: {
      AUTO_DISPATCH_AFTER_MS: { initial: delays.autoDispatchAfterMs, apply: (v) => (delays.autoDispatchAfterMs = Number(v)) },
      AUTO_DELIVER_AFTER_MS: { initial: delays.autoDeliverAfterMs, apply: (v) => (delays.autoDeliverAfterMs = Number(v)) },
    },
    resources: [...resources, autoShipping.stop],
  };
}
