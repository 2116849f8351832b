import { startComponentConsumers, type Bus, type RunningConsumer } from '@retail/events';
import type { Logger } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import { CHECKOUT_MAX_DELIVER, type SagaHandlers } from './subscriptions.ts';

/**
 * One durable consumer `orders-checkout` per stream it reads (INVENTORY, SHIPPING): each stream's events
 * are handled in stream order; what cannot be handled goes to `orders.dlq.checkout`.
 */
export function startCheckoutConsumers(options: {
  bus: Bus;
  handlers: SagaHandlers;
  logger: Logger;
  maxDeliver?: number;
}): RunningConsumer[] {
  return startComponentConsumers({
    bus: options.bus,
    logger: options.logger,
    cell: ordersCell,
    component: 'checkout',
    handlers: { ...options.handlers.inventory, ...options.handlers.shipping },
    maxDeliver: options.maxDeliver ?? CHECKOUT_MAX_DELIVER,
  });
}
