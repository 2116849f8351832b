import { connectCellBus, startComponentConsumers, startOutboxRelay } from '@retail/events';
import type { CellServiceContext, ComposedService } from '@retail/service';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { productHandlers } from './events/subscriptions.ts';
import { createReservations } from './reservations.ts';
import { createStock } from './stock.ts';

export { loadEnv };

/** Composition root: database → NATS (stream, outbox relay, product consumer) → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { env, logger, verifyToken } = context;
  const database = openOwnDatabase(databaseFile(env));
  const bus = await connectCellBus(context);
  const relay = startOutboxRelay({ db: database.db, js: bus.js, logger });
  const consumers = startComponentConsumers({ ...context, bus, db: database.db, handlers: productHandlers({ newProductStock: env.NEW_PRODUCT_STOCK }) });
  const app = createApp({ stock: createStock(database.db), reservations: createReservations(database.db), verifyToken, logger, isReady: bus.isConnected });
  return { app, resources: [database.close, bus.close, relay.stop, ...consumers.map((c) => c.stop)] };
}
