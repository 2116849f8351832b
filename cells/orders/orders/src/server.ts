import { connectCellBus, startOutboxRelay } from '@retail/events';
import type { CellServiceContext, ComposedService } from '@retail/service';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { createOrderBook } from './order-book.ts';

export { loadEnv };

/** Composition root: database → NATS (stream + outbox relay) → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { env, logger, verifyToken } = context;
  const database = openOwnDatabase(databaseFile(env));
  const bus = await connectCellBus(context);
  const relay = startOutboxRelay({ db: database.db, js: bus.js, logger });
  const app = createApp({ orders: createOrderBook(database.db), verifyToken, logger, isReady: bus.isConnected });
  return { app, resources: [database.close, bus.close, relay.stop] };
}
