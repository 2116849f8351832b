import { startComponentConsumers } from '@retail/events';
import { type CellServiceContext, type ComposedService, openCoreStore } from '@retail/service/compose';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { productHandlers } from './events/subscriptions.ts';
import { createReservations } from './reservations.ts';
import { createStock } from './stock.ts';

export { loadEnv };

/** Composition root: its store (database, NATS, outbox relay) → product consumer → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { env, logger, verifyToken } = context;
  const { db, bus, resources } = await openCoreStore(context, openOwnDatabase(databaseFile(env)));
  const consumers = startComponentConsumers({ ...context, bus, db, handlers: productHandlers({ newProductStock: env.NEW_PRODUCT_STOCK }) });
  const app = createApp({ stock: createStock(db), reservations: createReservations(db), verifyToken, logger, isReady: bus.isConnected });
  return { app, resources: [...resources, ...consumers.map((c) => c.stop)] };
}
