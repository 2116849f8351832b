import { MAX_IMPORT_BYTES } from '@retail/orders-contract';
import type { MiddlewareHandler } from 'hono';
import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { bodyLimit, createServiceApp, DEFAULT_BODY_LIMIT, type ServiceAppOptions } from '@retail/kernel';
import type { CustomerMigration } from './migration/customer-migration.ts';
import type { OrderBook } from './order-book.ts';
import { commandRoutes } from './routes/commands.ts';
import { migrationRoutes } from './routes/migration.ts';
import { orderEventRoutes, type OrderEventsDeps } from './routes/events.ts';
import { orderRoutes } from './routes/orders.ts';

export interface OrdersDeps extends Pick<ServiceAppOptions, 'logger' | 'isReady'> {
  orders: OrderBook;
  /** Moving customers between partitions (the migration controller's routes). */
  migration: CustomerMigration;
  /** Verifies the orders gateway's internal tokens (customers' forwarded identity, and workload tokens). */
  verifyToken: TokenVerifier;
  /** The customers' streams of their orders' changes. */
  events: OrderEventsDeps;
}

/** The import (`PUT /migration/customers/:customerId`: all of a customer's orders) may be larger; every other body keeps the usual limit. */
const IMPORT = /^\/migration\/customers\/[^/]+$/;

function bodyLimits(): MiddlewareHandler {
  const importLimit = bodyLimit(MAX_IMPORT_BYTES);
  const usual = bodyLimit(DEFAULT_BODY_LIMIT);
  return (c, next) => (c.req.method === 'PUT' && IMPORT.test(c.req.path) ? importLimit : usual)(c, next);
}

export function createApp(deps: OrdersDeps) {
  // Deny by default: every route takes only the orders gateway's internal token (customers' and workload tokens).
  const app = createServiceApp({
    logger: deps.logger,
    isReady: deps.isReady,
    maxBodyBytes: null,
    authenticate: requireInternalToken(deps.verifyToken),
  });
  app.use(bodyLimits());
  app.route('/', orderEventRoutes(deps.events)); // before /orders/:id
  app.route('/', orderRoutes(deps.orders));
  app.route('/', commandRoutes(deps.orders, deps.verifyToken));
  app.route('/', migrationRoutes(deps.migration, deps.orders));
  return app;
}
