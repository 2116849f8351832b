import { requireInternalToken, requireWorkload, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type Logger } from '@retail/kernel';
import { inventoryCell } from '@retail/inventory-contract';
import type { Reservations } from './reservations.ts';
import type { Stock } from './stock.ts';
import { inventoryRoutes } from './routes/inventory.ts';
import { reservationRoutes } from './routes/reservations.ts';

export interface StockDeps {
  stock: Stock;
  reservations: Reservations;
  /** Verifies the inventory gateway's internal tokens (users' requests and workload tokens alike). */
  verifyToken: TokenVerifier;
  logger: Logger;
  isReady?: () => boolean;
}

export function createApp(deps: StockDeps) {
  // Deny by default: every route takes only the inventory gateway's internal token.
  const app = createServiceApp({ logger: deps.logger, isReady: deps.isReady, authenticate: requireInternalToken(deps.verifyToken) });
  // Commands only allocation may send: its workload token (users never hold the inventory:internal scope).
  const workload = requireWorkload(inventoryCell.name, 'allocation');
  app.use('/reservations', workload);
  app.use('/reservations/*', workload);
  app.route('/', inventoryRoutes(deps.stock));
  app.route('/', reservationRoutes(deps.reservations));
  return app;
}
