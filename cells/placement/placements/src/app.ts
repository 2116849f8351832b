import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type ServiceAppOptions } from '@retail/kernel';
import type { Placements } from './placements.ts';
import { mapRoutes } from './routes/map.ts';
import { placementRoutes } from './routes/placements.ts';

export interface PlacementsDeps extends Pick<ServiceAppOptions, 'logger' | 'isReady'> {
  placements: Placements;
  /** Verifies the placement gateway's internal tokens. */
  verifyToken: TokenVerifier;
}

export function createApp(deps: PlacementsDeps) {
  const app = createServiceApp({ logger: deps.logger, isReady: deps.isReady });
  for (const path of ['/cells/placement', '/cells/placement/*', '/placement/*']) app.use(path, requireInternalToken(deps.verifyToken));
  app.route('/', placementRoutes(deps.placements));
  app.route('/', mapRoutes(deps.placements));
  return app;
}
