import { connectCellBus, startComponentConsumers } from '@retail/events';
import type { CellServiceContext, ComposedService } from '@retail/service/compose';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { catalogHandlers, stockHandlers } from './events/subscriptions.ts';

export { loadEnv };

/** Composition root: database → NATS consumers → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { env, logger, verifyToken } = context;
  const database = openOwnDatabase(databaseFile(env));
  const bus = await connectCellBus(context);
  const consumers = startComponentConsumers({ ...context, bus, db: database.db, handlers: { ...catalogHandlers, ...stockHandlers } });
  const app = createApp({ db: database.db, verifyToken, logger, isReady: bus.isConnected });
  return { app, resources: [database.close, bus.close, ...consumers.map((c) => c.stop)] };
}
