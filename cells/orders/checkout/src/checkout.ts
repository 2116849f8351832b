import { HttpError } from '@retail/http-client';
import { AppError, ServiceUnavailableError, type Logger } from '@retail/kernel';
import type { Order, PlaceOrder, PlacementQuery } from '@retail/orders-contract';
import type { OrdersCore } from './orders-core.ts';
import { priceLines, type PriceSource } from './pricing.ts';
import { requestHash } from './request-hash.ts';
import type { ShipmentCanceller } from './shipping.ts';

export interface Checkout {
  /**
   * Price the request with authoritative prices and have the orders service store it. The same
   * Idempotency-Key with the same request gives back the order placed the first time. The customer is
   * the caller, whose internal token goes on to the orders service.
   */
  placeOrder(customer: { id: string; token: string }, idempotencyKey: string, request: PlaceOrder): Promise<Order>;
  /**
   * Cancel an order for the caller (their token, so the orders service decides whose order it is). A
   * CONFIRMED order's shipment is cancelled first, so an order is never cancelled while its goods ship:
   * once dispatched, the answer is 409 and the order goes on to SHIPPED.
   */
  cancelOrder(orderId: string, callerToken: string): Promise<Order>;
}

export interface CheckoutDeps {
  prices: PriceSource;
  orders: OrdersCore;
  cancelShipment: ShipmentCanceller;
  logger: Logger;
}

/** The orders service's refusal (404, 409 with `orderStatus`), told to the caller as it is. */
function relayed(error: unknown): unknown {
  if (!(error instanceof HttpError)) return error;
  const { title = 'Error', detail, orderStatus } = error.body ?? {};
  return new AppError(error.status, title, detail, orderStatus ? { orderStatus } : {});
}

/** The orders service's 409 for an order that is CONFIRMED, not PENDING: its shipment has to go first. */
const isConfirmed = (error: unknown) => error instanceof HttpError && error.status === 409 && error.body?.orderStatus === 'CONFIRMED';

export function createCheckout(deps: CheckoutDeps): Checkout {
  const ordersFailure = (error: unknown): AppError => {
    // 422: the key was used with another request; the customer must hear that as it is.
    if (error instanceof HttpError && error.status === 422)
      return new AppError(422, 'Unprocessable content', error.body?.detail ?? 'Idempotency-Key was used with a different request.');
    if (error instanceof HttpError)
      deps.logger.error({ status: error.status, body: error.body }, 'the orders service refused an order checkout priced');
    else deps.logger.warn({ err: error }, 'the orders service could not store an order');
    return new ServiceUnavailableError('Orders cannot be placed right now; try again shortly.');
  };
  /** The order placed under this key before; undefined when there is none or the orders service cannot say. */
  const placedBefore = (query: PlacementQuery, customerToken: string): Promise<Order | undefined> =>
    deps.orders.placement(query, customerToken).catch((error: unknown) => {
      if (error instanceof HttpError && error.status === 422) throw ordersFailure(error);
      return undefined;
    });
  return {
    async placeOrder(customer, idempotencyKey, request) {
      const customerId = customer.id;
      const hash = requestHash(request);
      let priced: ReturnType<typeof priceLines>;
      try {
        priced = priceLines(request.lines, await deps.prices(request.lines.map((l) => l.sku)));
      } catch (error) {
        // It may be a retry of an order placed before the products cell went down or a product was
        // withdrawn: that order's answer still stands, and needs no price.
        const replay = await placedBefore({ customerId, idempotencyKey, requestHash: hash }, customer.token);
        if (replay) return replay;
        throw error;
      }
      try {
        return await deps.orders.place(
          {
            customerId,
            idempotencyKey,
            requestHash: hash,
            ...priced,
            shippingAddress: request.shippingAddress,
          },
          customer.token,
        );
      } catch (error) {
        throw ordersFailure(error);
      }
    },

    async cancelOrder(orderId, callerToken) {
      try {
        // A PENDING order has no shipment: cancelled at once. The orders service decides whose order it
        // is (404), answers a cancelled one as it is, and refuses shipped ones with its reason.
        return await deps.orders.cancel(orderId, callerToken, 'PENDING');
      } catch (error) {
        if (!isConfirmed(error)) throw relayed(error);
      }
      // The shipping cell cancels only the shipment of the customer named: the order's, as the orders
      // service shows it to this caller (the customer, or an operator).
      let customerId: string;
      try {
        ({ customerId } = await deps.orders.get(orderId, callerToken));
      } catch (error) {
        throw relayed(error);
      }
      await deps.cancelShipment(orderId, customerId);
      try {
        return await deps.orders.cancel(orderId, callerToken, 'CONFIRMED');
      } catch (error) {
        throw relayed(error);
      }
    },
  };
}
