import { createServiceApp, type Logger } from '@retail/kernel';

export interface FulfillmentAppDeps {
  logger: Logger;
  isReady?: () => boolean;
}

/** fulfillment works from events; over HTTP it answers only health and readiness (for the runner and compose). */
export function createApp(deps: FulfillmentAppDeps) {
  return createServiceApp({ logger: deps.logger, isReady: deps.isReady });
}
