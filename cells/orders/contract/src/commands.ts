import { z } from 'zod';
import { addressSchema, idempotencyKeySchema, placeOrderSchema } from './schemas.ts';

/**
 * Cell-internal commands: bodies checkout sends to the orders core service (`POST /internal/...`).
 * They are not routes of the cell gateway, so nothing outside the cell can send them.
 */

const requestHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'requestHash: a hex sha256');

/**
 * `POST /internal/orders`: price the lines from the cell's own copy of the catalog's prices and store the
 * order as PENDING, in one transaction (or answer with the order already stored under this key). 400 with
 * field errors for a SKU it knows no price of (never heard of, or deleted) and for lines in different
 * currencies; 409 with `pricesUnknown` while it has heard no price at all (still catching up).
 */
export const createOrderCommandSchema = z.strictObject({
  /** The customer (the `sub` of the token the order was placed with). */
  customerId: z.string().min(1).max(200),
  /** The customer's `Idempotency-Key`; unique per customer. */
  idempotencyKey: idempotencyKeySchema,
  /** sha256 (hex) of the canonical JSON of the customer's request, to tell a replay from a different request under the same key. */
  requestHash: requestHashSchema,
  /** The customer's lines, unpriced: the core prices them. */
  lines: placeOrderSchema.shape.lines,
  shippingAddress: addressSchema,
});

const reason = z.string().trim().min(1).max(500);

/**
 * `POST /internal/orders/{id}/transitions` (header `Idempotency-Key` = the id of the event that caused it):
 * move an order along the saga. CANCELLED only follows the shipping cell's `shipping.shipment.cancelled`
 * (the customer's cancel had the shipment cancelled, then could not reach the orders service).
 */
export const orderTransitionCommandSchema = z.discriminatedUnion('to', [
  z.strictObject({ to: z.literal('CONFIRMED'), reason: reason.optional() }),
  z.strictObject({ to: z.literal('REJECTED'), reason }),
  z.strictObject({
    to: z.literal('SHIPPED'),
    reason: reason.optional(),
    shipmentId: z.string().min(1).max(500),
    carrier: z.string().max(500),
    trackingNumber: z.string().max(500),
  }),
  z.strictObject({ to: z.literal('DELIVERED'), reason: reason.optional(), shipmentId: z.string().min(1).max(500) }),
  z.strictObject({ to: z.literal('CANCELLED'), reason }),
]);

/**
 * `POST /orders/{id}/cancel?ifStatus=` on the orders service, as checkout asks it with the caller's
 * token: cancel only from that status (PENDING; CONFIRMED once its shipment is cancelled), else 409
 * with the status it has now.
 */
export const cancelOrderQuerySchema = z.object({ ifStatus: z.enum(['PENDING', 'CONFIRMED']).optional() });

export type CreateOrderCommand = z.infer<typeof createOrderCommandSchema>;
export type OrderTransitionCommand = z.infer<typeof orderTransitionCommandSchema>;
export type CancelOrderQuery = z.infer<typeof cancelOrderQuerySchema>;
