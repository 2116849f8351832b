import { createServiceApp, type Logger } from '@retail/kernel';

export interface AllocationDeps {
  logger: Logger;
  /** Ready while NATS is connected: allocation's work arrives as events. */
  isReady?: () => boolean;
}

/** Allocation has no API of its own (it works from events); HTTP is health and readiness only. */
export function createApp(deps: AllocationDeps) {
  return createServiceApp({ logger: deps.logger, isReady: deps.isReady });
}
