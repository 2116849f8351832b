import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type ServiceAppOptions } from '@retail/kernel';
import type { MigrationController } from './migration/controller.ts';
import type { MigrationStore } from './migration/migration-store.ts';
import type { Placements } from './placements.ts';
import { mapRoutes } from './routes/map.ts';
import { migrationRoutes } from './routes/migrations.ts';
import { placementRoutes } from './routes/placements.ts';

export interface PlacementsDeps extends Pick<ServiceAppOptions, 'logger' | 'isReady'> {
  placements: Placements;
  /** Moves of customers between partitions, and drains. */
  migrations: { controller: MigrationController; store: MigrationStore };
  /** Verifies the placement gateway's internal tokens. */
  verifyToken: TokenVerifier;
}

export function createApp(deps: PlacementsDeps) {
  // Deny by default: every route takes only the placement gateway's internal token.
  const app = createServiceApp({ logger: deps.logger, isReady: deps.isReady, authenticate: requireInternalToken(deps.verifyToken) });
  app.route('/', migrationRoutes(deps.migrations.controller, deps.migrations.store));
  app.route('/', placementRoutes(deps.placements));
  app.route('/', mapRoutes(deps.placements));
  return app;
}
