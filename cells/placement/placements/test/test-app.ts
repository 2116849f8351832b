import type { TokenVerifier } from '@retail/auth';
import { eventOrigin } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { placementCell } from '@retail/placement-contract';
import { appCaller, internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { openOwnDatabase } from '../src/db/open.ts';
import { createMigrationController, type MigrationControllerOptions } from '../src/migration/controller.ts';
import { createMigrationStore } from '../src/migration/migration-store.ts';
import { createPlacements } from '../src/placements.ts';
import { partitionsStandIn, type PartitionsStandIn } from './partitions-stand-in.ts';
import type { PartitionedCell } from '../src/system.ts';

/** The orders cell with `count` partitions, as the running system would have it. */
export const ordersWith = (count: number): PartitionedCell[] => [
  { cell: 'orders', key: 'customer', partitions: Array.from({ length: count }, (_, i) => `orders-${i + 1}`) },
];

/**
 * The real app over its own database (in memory unless `file` is given) and in-memory internal keys,
 * for `app.request()` tests; the running system has the orders cell in `partitions` partitions (2).
 */
export async function placementsTestApp(
  options: {
    file?: string;
    partitions?: number;
    moves?: Partial<Omit<MigrationControllerOptions, 'store' | 'placements' | 'partitions' | 'logger'>>;
    /** The partitions as a previous app left them (a restart of the controller). */
    standIn?: PartitionsStandIn;
    /** Verifies internal tokens signed elsewhere (a real placement gateway in front); the test's own keys otherwise. */
    verifyToken?: TokenVerifier;
  } = {},
) {
  const database = openOwnDatabase(options.file ?? ':memory:');
  const tokens = await internalTestTokens('placement');
  const placements = createPlacements(database.db, {
    cells: ordersWith(options.partitions ?? 2),
    origin: eventOrigin(placementCell, 'placements'),
  });
  placements.ensurePartitions();
  const logger = createLogger({ name: 'test', level: 'silent' });
  const partitions = options.standIn ?? partitionsStandIn(ordersWith(options.partitions ?? 2)[0]!.partitions);
  const store = createMigrationStore(database.db);
  const controller = createMigrationController({
    store,
    placements,
    partitions: partitions.client,
    logger,
    concurrency: 4,
    stepTimeoutMs: 1_000,
    graceMs: 0,
    ...options.moves,
  });
  controller.start();
  const app = createApp({ placements, migrations: { controller, store }, verifyToken: options.verifyToken ?? tokens.verifier, logger });
  const [admin, customer, router, reader] = await Promise.all([
    tokens.sign({ sub: 'user-admin', scopes: ['orders:read', 'orders:write', 'orders:admin'] }),
    tokens.sign({ sub: 'user-alice', scopes: ['orders:read', 'orders:write'] }),
    tokens.sign({ sub: 'client:gateway-global', scopes: ['placement:read', 'placement:assign'] }),
    tokens.sign({ sub: 'client:gateway-global', scopes: ['placement:read'] }),
  ]);
  const close = async () => {
    await controller.close();
    database.close();
  };
  return {
    app,
    db: database.db,
    placements,
    partitions,
    store,
    tokens,
    admin,
    customer,
    router,
    reader,
    close,
    call: appCaller(() => app),
  };
}

export type PlacementsTestApp = Awaited<ReturnType<typeof placementsTestApp>>;
