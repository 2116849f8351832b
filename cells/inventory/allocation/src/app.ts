import { requireInternalToken, type TokenVerifier } from '@retail/auth';
import { createServiceApp, type Logger } from '@retail/kernel';

export interface AllocationDeps {
  logger: Logger;
  /** Verifies the inventory gateway's internal tokens: any route it ever serves beyond the probes needs one. */
  verifyToken: TokenVerifier;
  /** Ready while NATS is connected: allocation's work arrives as events. */
  isReady?: () => boolean;
}

/** Allocation has no API of its own (it works from events); HTTP is health and readiness only. */
export function createApp(deps: AllocationDeps) {
  return createServiceApp({ logger: deps.logger, isReady: deps.isReady, authenticate: requireInternalToken(deps.verifyToken) });
}
