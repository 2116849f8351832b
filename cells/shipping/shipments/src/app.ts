import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type Logger } from '@retail/kernel';
import { commandRoutes } from './routes/commands.ts';
import { shipmentRoutes } from './routes/shipments.ts';
import type { Shipments } from './shipments.ts';

export interface ShipmentsDeps {
  shipments: Shipments;
  /** Verifies the shipping gateway's internal tokens (users' requests and the cell's workload tokens). */
  verifyToken: TokenVerifier;
  logger: Logger;
  isReady?: () => boolean;
}

export function createApp(deps: ShipmentsDeps) {
  // Deny by default: every route takes only the shipping gateway's internal token (users' and workload tokens).
  const app = createServiceApp({ logger: deps.logger, isReady: deps.isReady, authenticate: requireInternalToken(deps.verifyToken) });
  app.route('/', shipmentRoutes(deps.shipments));
  app.route('/', commandRoutes(deps.shipments));
  return app;
}
