import { PermanentEventError, type CloudEvent, type RemoteEventHandler } from '@retail/events';
import { InventorySubjects, reservationConfirmedEventSchema, reservationRejectedEventSchema } from '@retail/inventory-contract';
import { HttpError } from '@retail/http-client';
import type { Logger } from '@retail/kernel';
import { ordersCell, type OrderTransitionCommand } from '@retail/orders-contract';
import {
  ShippingSubjects,
  shipmentCancelledEventSchema,
  shipmentDeliveredEventSchema,
  shipmentDispatchedEventSchema,
} from '@retail/shipping-contract';
import { durableName } from '@retail/descriptor';
import type { z } from 'zod';
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

/**
 * The saga's replies, turned into commands on the orders core. The event id is the command's
 * Idempotency-Key, so a redelivered event changes nothing. How the core's answer settles the event:
 *  - 2xx: done;
 *  - 409: the order has moved on (e.g. cancelled before its stock was confirmed): nothing to do, done;
 *  - 401: retried: the cell's trust is catching up (gateway keys not reachable yet), not the event's fault;
 *  - other 4xx (unknown order, a refused command): retrying cannot change it: dead-lettered at once;
 *  - no answer (orders down, timeout, 5xx): retried with backoff, dead-lettered after the last attempt.
 */
export function sagaHandlers(orders: OrdersCore, logger: Logger): SagaHandlers {
  const log = logger.child({ consumer: durableName(ordersCell, 'checkout') });

  const move = <T extends { orderId: string }>(
    schema: z.ZodType<T>,
    command: (data: T) => OrderTransitionCommand,
  ): RemoteEventHandler<T> => ({
    schema,
    async apply(data, event: CloudEvent) {
      const asked = command(data);
      // A reason is for people to read; an overlong one from another cell must not make the command invalid.
      const wanted = asked.reason === undefined ? asked : { ...asked, reason: asked.reason.slice(0, 500).trim() || asked.to.toLowerCase() };
      try {
        await orders.transition(data.orderId, wanted, event.id);
      } catch (error) {
        if (error instanceof HttpError && error.status === 409) {
          log.info(
            { orderId: data.orderId, event: event.type, to: wanted.to, orderStatus: error.body?.orderStatus },
            'order has moved on; nothing to do',
          );
          return;
        }
        if (error instanceof HttpError && error.status !== 401) throw new PermanentEventError(error.message);
        throw error;
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
