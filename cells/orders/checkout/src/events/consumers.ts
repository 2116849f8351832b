import { startConsumer, type Bus, type RunningConsumer } from '@retail/events';
import { InventoryStream } from '@retail/inventory-contract';
import type { Logger } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import { ShippingStream } from '@retail/shipping-contract';
import { deadLetterSubject, durableName } from '@retail/topology';
import { CHECKOUT_MAX_DELIVER, type SagaHandlers } from './subscriptions.ts';

/**
 * One durable consumer `orders-checkout` per stream it reads (INVENTORY, SHIPPING): each stream's events
 * are handled in stream order; what cannot be handled goes to `orders.dlq.checkout`.
 */
export function startCheckoutConsumers(options: { bus: Bus; handlers: SagaHandlers; logger: Logger; maxDeliver?: number }): RunningConsumer[] {
  const common = {
    bus: options.bus,
    logger: options.logger,
    durable: durableName(ordersCell, 'checkout'),
    deadLetterSubject: deadLetterSubject(ordersCell, 'checkout'),
    maxDeliver: options.maxDeliver ?? CHECKOUT_MAX_DELIVER,
  };
  return [
    startConsumer({ ...common, stream: InventoryStream, handlers: options.handlers.inventory }),
    startConsumer({ ...common, stream: ShippingStream, handlers: options.handlers.shipping }),
  ];
}
