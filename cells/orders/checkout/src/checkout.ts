import { HttpError } from '@retail/http-client';
import {
  AppError,
  problemKindOf,
  requestHash,
  ServiceUnavailableError,
  ValidationError,
  type FieldError,
  type Logger,
} from '@retail/kernel';
import type { Order, PlaceOrder } from '@retail/orders-contract';
import type { OrdersCore } from './orders-core.ts';
import type { ShipmentCanceller } from './shipping.ts';

export interface Checkout {
  /**
   * Have the orders service price the request (at the catalog's prices as the cell last heard them) and
   * store it. The same Idempotency-Key with the same request gives back the order placed the first time.
   * The customer is the caller, whose internal token goes on to the orders service.
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
  orders: OrdersCore;
  cancelShipment: ShipmentCanceller;
  logger: Logger;
}

/**
 * The customer is being moved to another partition (the orders service's 409 with `moving`): nothing was
 * written, and in a second their requests go to the new partition, or here again if the move was undone.
 */
export class CustomerMovingError extends ServiceUnavailableError {
  readonly retryAfterSeconds = 1;
  constructor() {
    super('Your orders are being moved to another partition; try again in a second.', 'customer-moving');
  }
}

/**
 * The orders service has heard no price yet (a fresh partition still reading the catalog's events from
 * the start): nothing was written; the same request succeeds once it has caught up.
 */
export class PricesUnknownError extends ServiceUnavailableError {
  readonly retryAfterSeconds = 2;
  constructor() {
    super('Prices are not known yet: the orders cell is still catching up with the catalog; try again in a moment.', 'prices-unknown');
  }
}

const isMoving = (error: unknown) => error instanceof HttpError && error.status === 409 && typeof error.body?.moving === 'string';

/** The orders service's refusal (404, 409 with `orderStatus`), told to the caller as it is, of the same kind. */
function relayed(error: unknown): unknown {
  if (isMoving(error)) return new CustomerMovingError();
  if (!(error instanceof HttpError)) return error;
  const { type, detail, orderStatus } = error.body ?? {};
  return new AppError(error.status, detail, {
    kind: problemKindOf(type, error.status),
    extensions: orderStatus ? { orderStatus } : {},
  });
}

/** The orders service's 409 for an order that is CONFIRMED, not PENDING: its shipment has to go first. */
const isConfirmed = (error: unknown) => error instanceof HttpError && error.status === 409 && error.body?.orderStatus === 'CONFIRMED';

export function createCheckout(deps: CheckoutDeps): Checkout {
  /** The orders service's refusal of a placement, as the customer hears it; nothing was written. */
  const placementFailure = (error: unknown): AppError => {
    if (isMoving(error)) return new CustomerMovingError();
    if (error instanceof HttpError && error.status === 409 && error.body?.pricesUnknown === true) return new PricesUnknownError();
    // 400: a product it knows no price of, lines in different currencies; the customer's to fix.
    if (error instanceof HttpError && error.status === 400 && Array.isArray(error.body?.errors))
      return new ValidationError(error.body.errors as FieldError[], error.body.detail);
    // 422: the key was used with another request; the customer must hear that as it is.
    if (error instanceof HttpError && error.status === 422)
      return new AppError(422, error.body?.detail ?? 'Idempotency-Key was used with a different request.', {
        kind: 'idempotency-key-reused',
      });
    if (error instanceof HttpError)
      deps.logger.error({ status: error.status, body: error.body }, 'the orders service refused an order checkout sent it');
    else deps.logger.warn({ err: error }, 'the orders service could not store an order');
    return new ServiceUnavailableError('Orders cannot be placed right now; try again shortly.');
  };
  return {
    async placeOrder(customer, idempotencyKey, request) {
      try {
        // The core prices the lines from its own copy of the catalog's prices, in the transaction that
        // stores the order (or answers the order placed under this key before): no other cell is asked.
        return await deps.orders.place(
          {
            customerId: customer.id,
            idempotencyKey,
            requestHash: requestHash(request),
            lines: request.lines,
            shippingAddress: request.shippingAddress,
          },
          customer.token,
        );
      } catch (error) {
        throw placementFailure(error);
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
