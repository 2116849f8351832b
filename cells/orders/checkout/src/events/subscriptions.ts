import { PermanentEventError, type CloudEvent, type RemoteEventHandler } from '@retail/events';
import { InventorySubjects, reservationConfirmedEventSchema, reservationRejectedEventSchema } from '@retail/inventory-contract';
import { HttpError } from '@retail/http-client';
import type { Logger } from '@retail/kernel';
import { ORDER_STATUSES, canReach, ordersCell, type OrderStatus, type OrderTransitionCommand } from '@retail/orders-contract';
import {
  ShippingSubjects,
  shipmentCancelledEventSchema,
  shipmentDeliveredEventSchema,
  shipmentDispatchedEventSchema,
} from '@retail/shipping-contract';
import { durableName } from '@retail/descriptor';
import type { z } from 'zod';
import type { PartitionHandover } from '../handover.ts';
import type { OrdersCore } from '../orders-core.ts';

/**
 * Deliveries of one event before it is dead-lettered. The consumer's backoff doubles from 0.5 s up to
 * 10 s, so 20 attempts span about two and a half minutes: the orders service or the cell gateway (which
 * issues the workload tokens and publishes the keys to check them) can restart without losing an event.
 */
export const CHECKOUT_MAX_DELIVER = 20;

export interface SagaHandlers {
  /** On stream INVENTORY. */
  inventory: Record<string, RemoteEventHandler>;
  /** On stream SHIPPING. */
  shipping: Record<string, RemoteEventHandler>;
}

/** Handovers of one step to the partitions its order moved to, before it is dead-lettered (a loop of moves). */
export const MAX_HANDOVERS = 3;

/**
 * The order's customer is being moved to another partition: the step waits (retried with the consumer's
 * backoff) until the move is done (then the order's partition answers 410 and the step is handed over) or
 * rolled back. Not a refusal: the freeze lasts about a second.
 */
export class CustomerBeingMovedError extends Error {}
/** The order has not got there yet (a delivery overtook its dispatch): retried, the step before it arrives first. */
export class OrderBehindError extends Error {}

/**
 * The saga's replies, turned into commands on the orders core. The event id is the command's
 * Idempotency-Key, so a redelivered event changes nothing. How the core's answer settles the event:
 *  - 2xx: done;
 *  - 409 with `moving`: the order's customer is being moved to another partition: retried;
 *  - 409 for an order that may still get there (CONFIRMED for a delivery: its dispatch, retried while its
 *    customer was being moved, was overtaken): retried, so that the steps land in order;
 *  - 409 otherwise: the order has moved on (e.g. cancelled before its stock was confirmed): nothing to do, done;
 *  - 410 with `partition`: the order moved to that partition: the same command is handed over to it
 *    (`handover`, through its gateway) and its answer settled the same way (at most MAX_HANDOVERS hops);
 *  - 401: retried: the cell's trust is catching up (gateway keys not reachable yet), not the event's fault;
 *  - other 4xx (unknown order, a refused command): retrying cannot change it: dead-lettered at once;
 *  - no answer (orders down, timeout, 5xx): retried with backoff, dead-lettered after the last attempt.
 */
export function sagaHandlers(orders: OrdersCore, logger: Logger, handover: PartitionHandover): SagaHandlers {
  const log = logger.child({ consumer: durableName(ordersCell, 'checkout') });

  /** Send the command; the partition the order moved to when the answer is a 410 naming one, else undefined once done. */
  const settle = async (send: () => Promise<unknown>, context: Record<string, unknown>): Promise<string | undefined> => {
    try {
      await send();
      return undefined;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const { moving, partition, orderStatus } = error.body ?? {};
      if (error.status === 409 && typeof moving === 'string')
        throw new CustomerBeingMovedError(`the customer of order ${context.orderId} is being moved to ${moving}; retrying`);
      if (error.status === 409 && ORDER_STATUSES.includes(orderStatus) && canReach(orderStatus, context.to as OrderStatus))
        throw new OrderBehindError(`order ${context.orderId} is ${orderStatus}, not yet ready to become ${context.to}; retrying`);
      if (error.status === 409) {
        log.info({ ...context, orderStatus }, 'order has moved on; nothing to do');
        return undefined;
      }
      if (error.status === 410 && typeof partition === 'string') return partition;
      if (error.status !== 401) throw new PermanentEventError(error.message);
      throw error;
    }
  };

  const move = <T extends { orderId: string }>(
    schema: z.ZodType<T>,
    command: (data: T) => OrderTransitionCommand,
  ): RemoteEventHandler<T> => ({
    schema,
    async apply(data, event: CloudEvent) {
      const asked = command(data);
      // A reason is for people to read; an overlong one from another cell must not make the command invalid.
      const wanted = asked.reason === undefined ? asked : { ...asked, reason: asked.reason.slice(0, 500).trim() || asked.to.toLowerCase() };
      const context = { orderId: data.orderId, event: event.type, to: wanted.to };
      let moved = await settle(() => orders.transition(data.orderId, wanted, event.id), context);
      for (let hops = 1; moved !== undefined; hops++) {
        if (hops > MAX_HANDOVERS)
          throw new PermanentEventError(
            `order ${data.orderId} moved on ${MAX_HANDOVERS} times while this step followed it (last to ${moved})`,
          );
        const to = moved;
        log.info({ ...context, partition: to }, 'order has moved to another partition; handing the step over');
        moved = await settle(() => handover(to, data.orderId, wanted, event.id), { ...context, partition: to });
      }
    },
  });

  const inventory = {
    [InventorySubjects.reservationConfirmed]: move(reservationConfirmedEventSchema, () => ({ to: 'CONFIRMED', reason: 'stock reserved' })),
    [InventorySubjects.reservationRejected]: move(reservationRejectedEventSchema, (data) => ({
      to: 'REJECTED',
      reason: data.reason.trim() || 'stock could not be reserved',
    })),
  };

  const shipping = {
    [ShippingSubjects.dispatched]: move(shipmentDispatchedEventSchema, (data) => ({
      to: 'SHIPPED',
      reason: `handed to ${data.carrier}, tracking number ${data.trackingNumber}`,
      shipmentId: data.shipmentId,
      carrier: data.carrier,
      trackingNumber: data.trackingNumber,
    })),
    [ShippingSubjects.delivered]: move(shipmentDeliveredEventSchema, (data) => ({ to: 'DELIVERED', shipmentId: data.shipmentId })),
    // A customer's cancel cancels the shipment first; should the orders service then not have answered,
    // the order follows its shipment here (already CANCELLED, the usual case: a 409, nothing to do).
    [ShippingSubjects.cancelled]: move(shipmentCancelledEventSchema, () => ({ to: 'CANCELLED', reason: 'shipment cancelled' })),
  };

  return { inventory, shipping };
}
