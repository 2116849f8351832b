import { instanceName } from '@retail/descriptor';
import { startComponentConsumers } from '@retail/events';
import { type CellServiceContext, type ComposedService, openCoreStore } from '@retail/service/compose';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { partitionServices } from './partition.ts';
import { priceHandlers } from './prices.ts';

export { loadEnv };

/** Composition root: its store (database, NATS, outbox relay) → its projection of the catalog's prices → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { cell, env, logger, verifyToken } = context;
  // Each partition has its own database file (DATA_DIR/orders-2/orders.db), and refuses another's.
  const { db, bus, resources } = await openCoreStore(context, openOwnDatabase(databaseFile(env, cell), instanceName(cell)));
  // Its own durable per partition (every partition prices its own orders), from the start of PRODUCTS.
  const consumers = startComponentConsumers({ ...context, bus, db, handlers: priceHandlers() });
  const services = partitionServices(db, cell);
  const app = createApp({
    ...services,
    events: { ...services.events, writeTimeoutMs: env.STREAM_WRITE_TIMEOUT_MS },
    verifyToken,
    logger,
    isReady: bus.isConnected,
  });
  return { app, resources: [...resources, ...consumers.map((c) => c.stop)] };
}
