import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type Logger } from '@retail/kernel';

export interface FulfillmentAppDeps {
  logger: Logger;
  /** Verifies the shipping gateway's internal tokens: any route it ever serves beyond the probes needs one. */
  verifyToken: TokenVerifier;
  isReady?: () => boolean;
}

/** fulfillment works from events; over HTTP it answers only health and readiness (for the runner and compose). */
export function createApp(deps: FulfillmentAppDeps) {
  return createServiceApp({ logger: deps.logger, isReady: deps.isReady, authenticate: requireInternalToken(deps.verifyToken) });
}
