import { startComponentConsumers, type Bus, type RunningConsumer } from '@retail/events';
import { inventoryCell } from '@retail/inventory-contract';
import type { Logger } from '@retail/kernel';
import { ALLOCATION_MAX_DELIVER, type AllocationHandlers } from './handlers.ts';

/**
 * One durable consumer `inventory-allocation` per stream it reads (ORDERS, SHIPPING): each stream's
 * events are handled in stream order; what cannot be handled goes to `inventory.dlq.allocation`.
 */
export function startAllocationConsumers(options: {
  bus: Bus;
  handlers: AllocationHandlers;
  logger: Logger;
  maxDeliver?: number;
}): RunningConsumer[] {
  return startComponentConsumers({
    bus: options.bus,
    logger: options.logger,
    cell: inventoryCell,
    component: 'allocation',
    handlers: { ...options.handlers.orders, ...options.handlers.shipping },
    maxDeliver: options.maxDeliver ?? ALLOCATION_MAX_DELIVER,
  });
}
