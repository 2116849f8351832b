import { z } from 'zod';
import { currencySchema, skuSchema } from '@retail/products-contract';
import { addressSchema, idempotencyKeySchema } from './schemas.ts';

/**
 * Cell-internal commands: bodies checkout sends to the orders core service (`POST /internal/...`).
 * They are not routes of the cell gateway, so nothing outside the cell can send them.
 */

const pricedLineSchema = z.strictObject({
  sku: skuSchema,
  name: z.string().min(1).max(200),
  quantity: z.number().int().min(1).max(100),
  /** Minor units, as the products cell priced the SKU at checkout. */
  unitPrice: z.number().int().min(0),
  lineTotal: z.number().int().min(0),
});

const requestHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'requestHash: a hex sha256');

/** `POST /internal/orders`: store a priced order as PENDING (or answer with the one already stored under this key). */
export const createOrderCommandSchema = z
  .strictObject({
    /** The customer (the `sub` of the token the order was placed with). */
    customerId: z.string().min(1).max(200),
    /** The customer's `Idempotency-Key`; unique per customer. */
    idempotencyKey: idempotencyKeySchema,
    /** sha256 (hex) of the canonical JSON of the customer's request, to tell a replay from a different request under the same key. */
    requestHash: requestHashSchema,
    lines: z
      .array(pricedLineSchema)
      .min(1)
      .max(50)
      .refine((lines) => new Set(lines.map((l) => l.sku)).size === lines.length, 'Each SKU may appear on one line only'),
    total: z.number().int().min(0),
    currency: currencySchema,
    shippingAddress: addressSchema,
  })
  .superRefine((order, ctx) => {
    // The core owns the order: it refuses totals that do not add up rather than store them.
    order.lines.forEach((line, i) => {
      if (line.lineTotal !== line.unitPrice * line.quantity)
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'lineTotal'], message: 'lineTotal must be unitPrice × quantity' });
    });
    if (order.total !== order.lines.reduce((sum, l) => sum + l.lineTotal, 0))
      ctx.addIssue({ code: 'custom', path: ['total'], message: 'total must be the sum of the line totals' });
  });

/**
 * `GET /internal/placements?customerId=…&idempotencyKey=…&requestHash=…`: the answer a placement under
 * this key got (the order as placed), without pricing anything; 404 when the key is new, 422 when it was
 * used with another request. Checkout asks when it cannot price a request, which may be a retry.
 */
export const placementQuerySchema = z.strictObject({
  customerId: z.string().min(1).max(200),
  idempotencyKey: idempotencyKeySchema,
  requestHash: requestHashSchema,
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
export type PlacementQuery = z.infer<typeof placementQuerySchema>;
export type OrderTransitionCommand = z.infer<typeof orderTransitionCommandSchema>;
export type CancelOrderQuery = z.infer<typeof cancelOrderQuerySchema>;
