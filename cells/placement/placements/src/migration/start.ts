import { cachedClientCredentials } from '@retail/http-client';
import type { CellServiceContext } from '@retail/service/compose';
import type { Env } from '../env.ts';
import type { Placements, PlacementsDb } from '../placements.ts';
import { createMigrationController } from './controller.ts';
import { createMigrationStore } from './migration-store.ts';
import { createPartitionClient } from './partition-client.ts';

/** The migration controller of this placement cell: its record in `db`, the partitions' gateways (balanced over the registry's instances), resumed at once. */
export function startMigrations(context: CellServiceContext<Env>, db: PlacementsDb, placements: Placements) {
  const { env, logger, platform, cell } = context;
  const token = cachedClientCredentials({
    tokenUrl: env.TOKEN_URL,
    clientId: cell.name,
    secret: env.CLIENT_SECRET,
    name: 'the token service',
  });
  const pools = new Map(
    [...env.partitionGateways].map(([partition, url]) => [
      partition,
      platform.pool({ name: `partition ${partition}`, cell: partition, component: 'gateway', fallback: url }),
    ]),
  );
  const partitions = createPartitionClient({ pools, token });
  const store = createMigrationStore(db);
  const controller = createMigrationController({
    store,
    placements,
    partitions,
    logger: logger.child({ component: 'migrations' }),
    concurrency: env.MIGRATION_CONCURRENCY,
    stepTimeoutMs: env.MIGRATION_STEP_TIMEOUT_MS,
    graceMs: env.MIGRATION_GRACE_MS,
    stepDelayMs: env.MIGRATION_STEP_DELAY_MS,
  });
  controller.start();
  return {
    controller,
    store,
    /** Applied while it runs (the `config` bucket). */
    live: {
      MIGRATION_CONCURRENCY: {
        initial: env.MIGRATION_CONCURRENCY,
        apply: (v: unknown) => controller.configure({ concurrency: Number(v) }),
      },
      MIGRATION_STEP_TIMEOUT_MS: {
        initial: env.MIGRATION_STEP_TIMEOUT_MS,
        apply: (v: unknown) => controller.configure({ stepTimeoutMs: Number(v) }),
      },
      MIGRATION_GRACE_MS: { initial: env.MIGRATION_GRACE_MS, apply: (v: unknown) => controller.configure({ graceMs: Number(v) }) },
      MIGRATION_STEP_DELAY_MS: {
        initial: env.MIGRATION_STEP_DELAY_MS,
        apply: (v: unknown) => controller.configure({ stepDelayMs: Number(v) }),
      },
    },
    close: async () => {
      await controller.close();
      await partitions.close();
    },
  };
}
