import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type Logger } from '@retail/kernel';
import type { Catalog } from './catalog.ts';
import { productRoutes } from './routes/products.ts';

export interface CatalogDeps {
  catalog: Catalog;
  /** Verifies the products gateway's internal tokens. */
  verifyToken: TokenVerifier;
  logger: Logger;
  isReady?: () => boolean;
}

export function createApp(deps: CatalogDeps) {
  // Deny by default: every route, whatever its path, takes only the products gateway's internal token.
  const app = createServiceApp({ logger: deps.logger, isReady: deps.isReady, authenticate: requireInternalToken(deps.verifyToken) });
  app.route('/', productRoutes(deps.catalog));
  return app;
}
