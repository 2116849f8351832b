import { instanceName } from '@retail/descriptor';
import { eventOrigin } from '@retail/events';
import { type CellServiceContext, type ComposedService, openCoreStore } from '@retail/service/compose';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { createOrderBook } from './order-book.ts';

export { loadEnv };

/** Composition root: its store (database, NATS, outbox relay) → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { cell, env, logger, verifyToken } = context;
  // Each partition has its own database file (DATA_DIR/orders-2/orders.db), and refuses another's.
  const { db, bus, resources } = await openCoreStore(context, openOwnDatabase(databaseFile(env, cell), instanceName(cell)));
  const app = createApp({
    orders: createOrderBook(db, eventOrigin(cell, context.component)),
    verifyToken,
    logger,
    isReady: bus.isConnected,
  });
  return { app, resources };
}
