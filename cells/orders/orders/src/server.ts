import { type CellServiceContext, type ComposedService, openCoreStore } from '@retail/service/compose';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { createOrderBook } from './order-book.ts';

export { loadEnv };

/** Composition root: its store (database, NATS, outbox relay) → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { env, logger, verifyToken } = context;
  const { db, bus, resources } = await openCoreStore(context, openOwnDatabase(databaseFile(env)));
  const app = createApp({ orders: createOrderBook(db), verifyToken, logger, isReady: bus.isConnected });
  return { app, resources };
}
