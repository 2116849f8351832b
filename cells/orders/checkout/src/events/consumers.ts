import { startComponentConsumers, type Bus, type RunningConsumer } from '@retail/events';
import type { Logger } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import { runningCell, type CellDescriptor } from '@retail/descriptor';
import { systemCells } from '@retail/topology';
import { CHECKOUT_MAX_DELIVER, type SagaHandlers } from './subscriptions.ts';

/**
 * One durable consumer `orders-<n>-checkout` per stream it reads (INVENTORY, SHIPPING), delivering only
 * the answers addressed to its partition: each stream's events are handled in stream order; what cannot
 * be handled goes to `orders.orders-<n>.dlq.checkout`.
 */
export function startCheckoutConsumers(options: {
  bus: Bus;
  handlers: SagaHandlers;
  logger: Logger;
  maxDeliver?: number;
  /** The partition it runs in (default the cell's first) and the running system. */
  cell?: CellDescriptor;
  system?: readonly CellDescriptor[];
}): RunningConsumer[] {
  const cell = options.cell ?? runningCell(ordersCell);
  return startComponentConsumers({
    bus: options.bus,
    logger: options.logger,
    cell,
    system: options.system ?? systemCells(),
    component: 'checkout',
    handlers: { ...options.handlers.inventory, ...options.handlers.shipping },
    maxDeliver: options.maxDeliver ?? CHECKOUT_MAX_DELIVER,
  });
}
