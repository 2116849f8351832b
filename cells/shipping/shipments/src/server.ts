import { connectCellBus, startOutboxRelay } from '@retail/events';
import type { CellServiceContext, ComposedService } from '@retail/service';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { startAutoShipping } from './scheduler.ts';
import { createShipments } from './shipments.ts';

export { loadEnv };

/** Composition root: database → NATS (stream + outbox relay) → automatic shipping → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { env, logger, verifyToken } = context;
  const database = openOwnDatabase(databaseFile(env));
  const bus = await connectCellBus(context);
  const relay = startOutboxRelay({ db: database.db, js: bus.js, logger });
  const clock = Date.now;
  const { AUTO_DISPATCH_AFTER_MS: autoDispatchAfterMs, AUTO_DELIVER_AFTER_MS: autoDeliverAfterMs } = env;
  const shipments = createShipments(database.db, { clock, autoDispatchAfterMs, autoDeliverAfterMs });
  const autoShipping = startAutoShipping({ shipments, clock, logger, dispatch: autoDispatchAfterMs > 0, deliver: autoDeliverAfterMs > 0 });
  if (autoDispatchAfterMs || autoDeliverAfterMs) logger.info({ autoDispatchAfterMs, autoDeliverAfterMs }, 'automatic dispatch/delivery on');
  const app = createApp({ shipments, verifyToken, logger, isReady: bus.isConnected });
  return { app, resources: [database.close, bus.close, relay.stop, autoShipping.stop] };
}
