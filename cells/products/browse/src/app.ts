import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type Logger } from '@retail/kernel';
import type { BrowseDb } from './queries.ts';
import { productRoutes } from './routes/products.ts';

export interface BrowseDeps {
  db: BrowseDb;
  /** Verifies the products gateway's internal tokens. */
  verifyToken: TokenVerifier;
  logger: Logger;
  isReady?: () => boolean;
}

export function createApp(deps: BrowseDeps) {
  // Deny by default: every route takes only the products gateway's internal token (public reads carry an anonymous one).
  const app = createServiceApp({ logger: deps.logger, isReady: deps.isReady, authenticate: requireInternalToken(deps.verifyToken) });
  app.route('/', productRoutes(deps.db));
  return app;
}
