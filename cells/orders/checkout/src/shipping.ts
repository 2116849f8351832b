import { HttpError, type HttpClient } from '@retail/http-client';
import { ConflictError, ServiceUnavailableError, type Logger } from '@retail/kernel';
import type { CancelOrderShipment } from '@retail/shipping-contract';

/**
 * Have the shipping cell cancel an order's shipment (`POST /shipments/by-order/{id}/cancel` on its
 * gateway), naming the order's customer: the shipping cell cancels only that customer's shipment.
 * Resolves when nothing will ship: the shipment is cancelled, or there is none yet and the shipping
 * cell will record it cancelled when it comes. A shipment already dispatched is a 409 for the
 * customer; the shipping cell not answering, a 503.
 */
export type ShipmentCanceller = (orderId: string, customerId: string) => Promise<void>;

export function shippingShipmentCanceller(client: HttpClient, logger: Logger): ShipmentCanceller {
  return async (orderId, customerId) => {
    const body: CancelOrderShipment = { customerId };
    try {
      await client.request('POST', `/shipments/by-order/${encodeURIComponent(orderId)}/cancel`, { body });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.status === 404) return; // none yet: the shipping cell remembers the cancellation
      if (error.status === 409)
        throw new ConflictError(`Order ${orderId} cannot be cancelled: it has already been dispatched.`, 'order-state-conflict');
      // Any other refusal (a rejected token, a changed route) is not the customer's doing.
      logger.error({ status: error.status, body: error.body }, 'the shipping cell refused to cancel a shipment');
      throw new ServiceUnavailableError('Orders cannot be cancelled right now; try again shortly.');
    }
  };
}
