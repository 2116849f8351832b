import { z } from 'zod';
import { isPartitionName } from '@retail/descriptor';
import { addressSchema } from '@retail/orders-contract';
import { skuSchema } from '@retail/products-contract';

export const SHIPMENT_STATUSES = ['PENDING', 'DISPATCHED', 'DELIVERED', 'CANCELLED'] as const;
export const shipmentStatusSchema = z.enum(SHIPMENT_STATUSES);
export type ShipmentStatus = z.infer<typeof shipmentStatusSchema>;

/** PENDING → DISPATCHED → DELIVERED; PENDING → CANCELLED. Anything else is refused with 409. */
export const SHIPMENT_TRANSITIONS: Readonly<Record<ShipmentStatus, readonly ShipmentStatus[]>> = {
  PENDING: ['DISPATCHED', 'CANCELLED'],
  DISPATCHED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

const line = z.object({ sku: skuSchema, quantity: z.number().int().min(1) });

export const shipmentSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  customerId: z.string(),
  status: shipmentStatusSchema,
  carrier: z.string(),
  trackingNumber: z.string(),
  address: addressSchema,
  lines: z.array(line),
  history: z.array(z.object({ status: shipmentStatusSchema, at: z.iso.datetime(), reason: z.string().optional() })),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** `GET /shipments?orderId=` — customers see the shipments of their own orders, operators see all. */
export const listShipmentsQuerySchema = z.strictObject({
  orderId: z.string().min(1).max(100).optional(),
  status: shipmentStatusSchema.optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const shipmentPageSchema = z.object({
  items: z.array(shipmentSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

/** Event payloads. */
export const shipmentCreatedEventSchema = z.object({
  shipmentId: z.string().min(1),
  orderId: z.string().min(1),
  carrier: z.string(),
  trackingNumber: z.string(),
});
export const shipmentDispatchedEventSchema = z.object({
  shipmentId: z.string().min(1),
  orderId: z.string().min(1),
  lines: z.array(line),
  carrier: z.string(),
  trackingNumber: z.string(),
});
export const shipmentDeliveredEventSchema = z.object({ shipmentId: z.string().min(1), orderId: z.string().min(1) });
export const shipmentCancelledEventSchema = z.object({ shipmentId: z.string().min(1), orderId: z.string().min(1) });

/**
 * `POST /shipments/by-order/{orderId}/cancel` (the orders cell, client credentials): the customer whose
 * order it is, as the orders cell knows it. Only that customer's shipment is cancelled.
 */
export const cancelOrderShipmentSchema = z.strictObject({ customerId: z.string().min(1).max(200) });

/**
 * Cell-internal commands (fulfillment → shipments, never routed by the gateway; scope `shipping:internal`).
 * Each carries an `Idempotency-Key` header: the id of the event that caused it.
 */
export const ShipmentCommands = {
  create: '/internal/shipments',
  cancelByOrder: (orderId: string) => `/internal/shipments/by-order/${encodeURIComponent(orderId)}/cancel`,
} as const;

/** `POST /internal/shipments`: a shipment for a confirmed order (one per order). */
export const createShipmentCommandSchema = z.strictObject({
  orderId: z.string().min(1).max(100),
  /** The orders partition that owns the order: the shipment's events go to it alone. */
  partition: z.string().refine(isPartitionName, 'partition: the name of an orders partition, e.g. orders-1'),
  customerId: z.string().min(1).max(200),
  address: addressSchema,
  lines: z
    .array(line)
    .min(1, 'A shipment needs at least one line')
    .max(50)
    .refine((lines) => new Set(lines.map((l) => l.sku)).size === lines.length, 'Each SKU may appear on one line only'),
});

/** The `Idempotency-Key` of a command: 8–100 visible ASCII characters (an event id). */
export const commandIdempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{8,100}$/, 'Idempotency-Key: 8–100 visible ASCII characters');

export type Shipment = z.infer<typeof shipmentSchema>;
export type ListShipmentsQuery = z.infer<typeof listShipmentsQuerySchema>;
export type ShipmentPage = z.infer<typeof shipmentPageSchema>;
export type ShipmentCreatedEvent = z.infer<typeof shipmentCreatedEventSchema>;
export type ShipmentDispatchedEvent = z.infer<typeof shipmentDispatchedEventSchema>;
export type ShipmentDeliveredEvent = z.infer<typeof shipmentDeliveredEventSchema>;
export type ShipmentCancelledEvent = z.infer<typeof shipmentCancelledEventSchema>;
export type CreateShipmentCommand = z.infer<typeof createShipmentCommandSchema>;
export type CancelOrderShipment = z.infer<typeof cancelOrderShipmentSchema>;
