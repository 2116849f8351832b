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
  const { AUTO_DISPATCH_AFTER_MS: autoDispatchAfterMs, AUTO_DELIVER_AFTER_MS: autoDeliverAfterMs } = env;
  const shipments = createShipments(db, { clock, autoDispatchAfterMs, autoDeliverAfterMs });
  const autoShipping = startAutoShipping({ shipments, clock, logger, dispatch: autoDispatchAfterMs > 0, deliver: autoDeliverAfterMs > 0 });
  if (autoDispatchAfterMs || autoDeliverAfterMs) logger.info({ autoDispatchAfterMs, autoDeliverAfterMs }, 'automatic dispatch/delivery on');
  const app = createApp({ shipments, verifyToken, logger, isReady: bus.isConnected });
  return { app, resources: [...resources, autoShipping.stop] };
}
