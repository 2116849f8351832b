import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type ServiceAppOptions } from '@retail/kernel';
import type { Checkout } from './checkout.ts';
import { checkoutRoutes } from './routes/orders.ts';

export interface CheckoutAppDeps extends Pick<ServiceAppOptions, 'logger' | 'isReady'> {
  checkout: Checkout;
  /** Verifies the orders gateway's internal tokens. */
  verifyToken: TokenVerifier;
}

export function createApp(deps: CheckoutAppDeps) {
  // Deny by default: every route takes only the orders gateway's internal token.
  const app = createServiceApp({ logger: deps.logger, isReady: deps.isReady, authenticate: requireInternalToken(deps.verifyToken) });
  app.route('/', checkoutRoutes(deps.checkout));
  return app;
}
