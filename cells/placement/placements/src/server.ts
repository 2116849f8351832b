import { eventOrigin } from '@retail/events';
import { type CellServiceContext, type ComposedService, openCoreStore } from '@retail/service/compose';
import { createApp } from './app.ts';
import { openOwnDatabase } from './db/open.ts';
import { databaseFile, type Env, loadEnv } from './env.ts';
import { createPlacements } from './placements.ts';
import { startMigrations } from './migration/start.ts';
import { partitionedCells } from './system.ts';

export { loadEnv };

/** Composition root: its store (database, NATS, outbox relay) → every running partition in the map → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { cell, system, env, logger, verifyToken } = context;
  const { db, bus, resources } = await openCoreStore(context, openOwnDatabase(databaseFile(env)));
  // The partitions come from the running system (ORDERS_PARTITIONS sets how many the orders cell runs).
  const placements = createPlacements(db, { cells: partitionedCells(system), origin: eventOrigin(cell, context.component) });
  const added = placements.ensurePartitions();
  if (added.length) logger.info({ partitions: added }, 'partitions added to the placement map');
  const migrations = startMigrations(context, db, placements);
  const app = createApp({ placements, migrations, verifyToken, logger, isReady: bus.isConnected });
  return { app, live: migrations.live, resources: [...resources, migrations.close] };
}
