import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type ServiceAppOptions } from '@retail/kernel';
import type { OrderBook } from './order-book.ts';
import { commandRoutes } from './routes/commands.ts';
import { orderRoutes } from './routes/orders.ts';

export interface OrdersDeps extends Pick<ServiceAppOptions, 'logger' | 'isReady'> {
  orders: OrderBook;
  /** Verifies the orders gateway's internal tokens (customers' forwarded identity, and workload tokens). */
  verifyToken: TokenVerifier;
}

export function createApp(deps: OrdersDeps) {
  const app = createServiceApp({ logger: deps.logger, isReady: deps.isReady });
  for (const path of ['/orders', '/orders/*', '/internal/*']) app.use(path, requireInternalToken(deps.verifyToken));
  app.route('/', orderRoutes(deps.orders));
  app.route('/', commandRoutes(deps.orders, deps.verifyToken));
  return app;
}
