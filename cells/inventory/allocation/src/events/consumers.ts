import { startConsumer, type Bus, type RunningConsumer } from '@retail/events';
import { inventoryCell } from '@retail/inventory-contract';
import type { Logger } from '@retail/kernel';
import { OrdersStream } from '@retail/orders-contract';
import { ShippingStream } from '@retail/shipping-contract';
import { deadLetterSubject, durableName } from '@retail/topology';
import { ALLOCATION_MAX_DELIVER, type AllocationHandlers } from './handlers.ts';

/**
 * One durable consumer `inventory-allocation` per stream it reads (ORDERS, SHIPPING): each stream's
 * events are handled in stream order; what cannot be handled goes to `inventory.dlq.allocation`.
 */
export function startAllocationConsumers(options: { bus: Bus; handlers: AllocationHandlers; logger: Logger; maxDeliver?: number }): RunningConsumer[] {
  const common = {
    bus: options.bus,
    logger: options.logger,
    durable: durableName(inventoryCell, 'allocation'),
    deadLetterSubject: deadLetterSubject(inventoryCell, 'allocation'),
    maxDeliver: options.maxDeliver ?? ALLOCATION_MAX_DELIVER,
  };
  return [
    startConsumer({ ...common, stream: OrdersStream, handlers: options.handlers.orders }),
    startConsumer({ ...common, stream: ShippingStream, handlers: options.handlers.shipping }),
  ];
}
