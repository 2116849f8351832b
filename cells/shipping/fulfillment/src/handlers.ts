import { PermanentEventError, type CloudEvent, type RemoteEventHandler } from '@retail/events';
import { HttpError, type HttpClient } from '@retail/http-client';
import type { Logger } from '@retail/kernel';
import {
  OrderSubjects,
  orderCancelledEventSchema,
  orderConfirmedEventSchema,
  type OrderCancelledEvent,
  type OrderConfirmedEvent,
} from '@retail/orders-contract';
import { ShipmentCommands, type CreateShipmentCommand } from '@retail/shipping-contract';

export interface FulfillmentDeps {
  /** The shipments core, called with this cell's workload token. */
  shipments: HttpClient;
  logger: Logger;
}

/**
 * Sends one command to the shipments core with the event id as Idempotency-Key (so a redelivered event
 * does nothing there) and decides what the consumer does with the event:
 * 2xx → done; `expected` 4xx → done, logged; any other 4xx → dead-letter at once (retrying cannot
 * change the answer); no answer (ServiceUnavailableError) → thrown, so the consumer retries with backoff.
 */
async function command(
  deps: FulfillmentDeps,
  event: CloudEvent,
  path: string,
  body: unknown,
  expected: Record<number, { level: 'info' | 'warn'; message: string }>,
): Promise<void> {
  try {
    await deps.shipments.request('POST', path, { body, headers: { 'idempotency-key': event.id } });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const outcome = expected[error.status];
    if (!outcome) throw new PermanentEventError(error.message);
    deps.logger[outcome.level]({ eventId: event.id, type: event.type, status: error.status, detail: error.body?.detail }, outcome.message);
  }
}

/** What fulfillment consumes from the orders cell's stream, each mapped to a command on the shipments core. */
export function fulfillmentHandlers(deps: FulfillmentDeps): Record<string, RemoteEventHandler> {
  const orderConfirmed: RemoteEventHandler<OrderConfirmedEvent> = {
    schema: orderConfirmedEventSchema,
    apply: (data, event) => {
      if (!event.partition) throw new PermanentEventError(`${event.type} ${event.id} names no orders partition to answer`);
      const body: CreateShipmentCommand = {
        orderId: data.orderId,
        // The partition that confirmed it: every event about the shipment goes back to it alone.
        partition: event.partition,
        customerId: data.customerId,
        address: data.shippingAddress,
        lines: data.lines,
      };
      return command(deps, event, ShipmentCommands.create, body, {
        409: { level: 'info', message: 'shipment for the confirmed order not created: nothing to do' },
      });
    },
  };

  const orderCancelled: RemoteEventHandler<OrderCancelledEvent> = {
    schema: orderCancelledEventSchema,
    apply: (data, event) =>
      command(deps, event, ShipmentCommands.cancelByOrder(data.orderId), undefined, {
        404: { level: 'info', message: 'order cancelled before it was confirmed: it has no shipment to cancel' },
        409: { level: 'warn', message: 'order cancelled after its shipment was dispatched: the shipment goes ahead' },
      }),
  };

  return { [OrderSubjects.confirmed]: orderConfirmed, [OrderSubjects.cancelled]: orderCancelled };
}
