import { PermanentEventError, type CloudEvent, type RemoteEventHandler } from '@retail/events';
import { HttpError } from '@retail/http-client';
import type { ReservationAnswer } from '@retail/inventory-contract';
import type { Logger } from '@retail/kernel';
import {
  OrderSubjects,
  orderCancelledEventSchema,
  orderPlacedEventSchema,
  type OrderCancelledEvent,
  type OrderPlacedEvent,
} from '@retail/orders-contract';
import { ShippingSubjects, shipmentDispatchedEventSchema, type ShipmentDispatchedEvent } from '@retail/shipping-contract';
import type { StockCommands } from '../stock-commands.ts';

/**
 * Deliveries of one event before it is dead-lettered. The consumer's backoff doubles from 0.5 s up to
 * 10 s, so 20 attempts span about two and a half minutes: stock (or the cell gateway that issues the
 * workload tokens) can restart without order events being given up on.
 */
export const ALLOCATION_MAX_DELIVER = 20;

/** One handler per subject allocation consumes (ORDERS and SHIPPING streams), keyed by subject. */
export type AllocationHandlers = Record<string, RemoteEventHandler>;

/**
 * Other cells' events as stock commands: reserve on placement, release on cancel, commit on dispatch.
 * How stock's answers settle the event:
 *  - 2xx: done;
 *  - 409: nothing to do (the reservation has moved on), done;
 *  - 401: retried: the cell's trust is catching up (gateway keys, a cached workload token), not the event's fault;
 *  - other 4xx: the command itself is wrong, and retrying cannot change that: dead-lettered at once;
 *  - no answer (stock down, timeout, 5xx): retried with backoff, dead-lettered after the last attempt.
 */
export function allocationHandlers(stock: StockCommands, logger: Logger): AllocationHandlers {
  const settle = async (event: CloudEvent, orderId: string, command: () => Promise<ReservationAnswer>) => {
    const log = logger.child({ event: event.id, type: event.type, orderId });
    try {
      const answer = await command();
      log.info({ status: answer.status }, 'stock command applied');
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.status === 409) return log.info({ reason: error.message }, 'stock had nothing to do');
      if (error.status === 401) throw error;
      throw new PermanentEventError(error.message);
    }
  };

  const partitionOf = (event: CloudEvent) => {
    if (!event.partition) throw new PermanentEventError(`${event.type} ${event.id} names no partition to answer`);
    return event.partition;
  };
  const placed: RemoteEventHandler<OrderPlacedEvent> = {
    schema: orderPlacedEventSchema,
    apply: (data, event) =>
      settle(event, data.orderId, () =>
        stock.reserve(
          // The partition that placed it (the event's own): stock's answer goes back to it alone.
          { orderId: data.orderId, partition: partitionOf(event), lines: data.lines.map(({ sku, quantity }) => ({ sku, quantity })) },
          event.id,
        ),
      ),
  };
  const cancelled: RemoteEventHandler<OrderCancelledEvent> = {
    schema: orderCancelledEventSchema,
    apply: (data, event) => settle(event, data.orderId, () => stock.release(data.orderId, event.id)),
  };
  const dispatched: RemoteEventHandler<ShipmentDispatchedEvent> = {
    schema: shipmentDispatchedEventSchema,
    apply: (data, event) => settle(event, data.orderId, () => stock.commit(data.orderId, event.id)),
  };

  return { [OrderSubjects.placed]: placed, [OrderSubjects.cancelled]: cancelled, [ShippingSubjects.dispatched]: dispatched };
}
