import { HttpError, type HttpClient } from '@retail/http-client';
import type { CancelOrderQuery, CreateOrderCommand, Order, OrderTransitionCommand, PlacementQuery } from '@retail/orders-contract';

/**
 * The commands checkout sends the orders core service. Failures surface as the http client's errors:
 * `HttpError` for a 4xx answer, `ServiceUnavailableError` when the service cannot answer.
 */
export interface OrdersCore {
  /** 201 when stored, 200 when the customer's key was seen with the same request: the order either way. */
  place(command: CreateOrderCommand): Promise<Order>;
  /** What a placement under this key was answered, or undefined when the key is new (422 for another request). */
  placement(query: PlacementQuery): Promise<Order | undefined>;
  /** `idempotencyKey` is the id of the event behind the move, so a redelivered event changes nothing. */
  transition(orderId: string, command: OrderTransitionCommand, idempotencyKey: string): Promise<Order>;
  /** The caller cancels it (their token: 404 for another customer's order), only from `ifStatus` (else 409 with `orderStatus`). */
  cancel(orderId: string, callerToken: string, ifStatus: NonNullable<CancelOrderQuery['ifStatus']>): Promise<Order>;
}

export function ordersCore(client: HttpClient): OrdersCore {
  return {
    place: async (command) => (await client.request<Order>('POST', '/internal/orders', { body: command })).body,
    placement: async (query) => {
      try {
        return (await client.request<Order>('GET', `/internal/placements?${new URLSearchParams(query)}`)).body;
      } catch (error) {
        if (error instanceof HttpError && error.status === 404) return undefined;
        throw error;
      }
    },
    cancel: async (orderId, callerToken, ifStatus) =>
      (await client.request<Order>('POST', `/orders/${encodeURIComponent(orderId)}/cancel?ifStatus=${ifStatus}`, { token: callerToken }))
        .body,
    transition: async (orderId, command, idempotencyKey) =>
      (
        await client.request<Order>('POST', `/internal/orders/${encodeURIComponent(orderId)}/transitions`, {
          body: command,
          headers: { 'idempotency-key': idempotencyKey },
        })
      ).body,
  };
}
