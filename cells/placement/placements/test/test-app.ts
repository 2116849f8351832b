import { eventOrigin } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { placementCell } from '@retail/placement-contract';
import { appCaller, internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { openOwnDatabase } from '../src/db/open.ts';
import { createPlacements } from '../src/placements.ts';
import type { PartitionedCell } from '../src/system.ts';

/** The orders cell with `count` partitions, as the running system would have it. */
export const ordersWith = (count: number): PartitionedCell[] => [
  { cell: 'orders', key: 'customer', partitions: Array.from({ length: count }, (_, i) => `orders-${i + 1}`) },
];

/**
 * The real app over its own database (in memory unless `file` is given) and in-memory internal keys,
 * for `app.request()` tests; the running system has the orders cell in `partitions` partitions (2).
 */
export async function placementsTestApp(options: { file?: string; partitions?: number } = {}) {
  const database = openOwnDatabase(options.file ?? ':memory:');
  const tokens = await internalTestTokens('placement');
  const placements = createPlacements(database.db, {
    cells: ordersWith(options.partitions ?? 2),
    origin: eventOrigin(placementCell, 'placements'),
  });
  placements.ensurePartitions();
  const app = createApp({ placements, verifyToken: tokens.verifier, logger: createLogger({ name: 'test', level: 'silent' }) });
  const [admin, customer, router, reader] = await Promise.all([
    tokens.sign({ sub: 'user-admin', scopes: ['orders:read', 'orders:write', 'orders:admin'] }),
    tokens.sign({ sub: 'user-alice', scopes: ['orders:read', 'orders:write'] }),
    tokens.sign({ sub: 'client:gateway-global', scopes: ['placement:read', 'placement:assign'] }),
    tokens.sign({ sub: 'client:gateway-global', scopes: ['placement:read'] }),
  ]);
  return { app, db: database.db, placements, tokens, admin, customer, router, reader, close: database.close, call: appCaller(() => app) };
}

export type PlacementsTestApp = Awaited<ReturnType<typeof placementsTestApp>>;
