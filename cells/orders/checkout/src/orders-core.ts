import { FORWARDED_USER_HEADER } from '@retail/auth';
import type { HttpClient } from '@retail/http-client';
import type { CancelOrderQuery, CreateOrderCommand, Order, OrderTransitionCommand } from '@retail/orders-contract';

/**
 * The commands checkout sends the orders core service. Failures surface as the http client's errors:
 * `HttpError` for a 4xx answer, `ServiceUnavailableError` when the service cannot answer.
 */
export interface OrdersCore {
  /**
   * 201 when priced and stored, 200 when the customer's key was seen with the same request: the order
   * either way; 400 for lines it cannot price, 409 `pricesUnknown` while it knows no price yet.
   * `customerToken` is the customer's internal token: the core places orders only for them.
   */
  place(command: CreateOrderCommand, customerToken: string): Promise<Order>;
  /** `idempotencyKey` is the id of the event behind the move, so a redelivered event changes nothing. */
  transition(orderId: string, command: OrderTransitionCommand, idempotencyKey: string): Promise<Order>;
  /** The order as the caller may see it (their token: 404 for another customer's order). */
  get(orderId: string, callerToken: string): Promise<Order>;
  /** The caller cancels it (their token: 404 for another customer's order), only from `ifStatus` (else 409 with `orderStatus`). */
  cancel(orderId: string, callerToken: string, ifStatus: NonNullable<CancelOrderQuery['ifStatus']>): Promise<Order>;
}

export function ordersCore(client: HttpClient): OrdersCore {
  return {
    place: async (command, customerToken) =>
      (await client.request<Order>('POST', '/internal/orders', { body: command, headers: { [FORWARDED_USER_HEADER]: customerToken } }))
        .body,
    get: async (orderId, callerToken) =>
      (await client.request<Order>('GET', `/orders/${encodeURIComponent(orderId)}`, { token: callerToken })).body,
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
