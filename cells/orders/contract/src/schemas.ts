import { z } from 'zod';
import { currencySchema, skuSchema } from '@retail/products-contract';

export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'SHIPPED', 'DELIVERED'] as const;
export const orderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/**
 * The order state machine. Everything not listed is an illegal transition and is refused.
 * PENDING → CONFIRMED → SHIPPED → DELIVERED; PENDING → REJECTED; PENDING | CONFIRMED → CANCELLED.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['CONFIRMED', 'REJECTED', 'CANCELLED'],
  CONFIRMED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  REJECTED: [],
  CANCELLED: [],
  DELIVERED: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus) => ORDER_TRANSITIONS[from].includes(to);

/** Whether an order in `from` may still get to `to` by moves the state machine allows (CONFIRMED → DELIVERED, via SHIPPED). */
export const canReach = (from: OrderStatus, to: OrderStatus): boolean =>
  ORDER_TRANSITIONS[from].some((next) => next === to || canReach(next, to));

export const addressSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  postalCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9 -]{2,12}$/, 'postal code: 2–12 letters, digits, spaces or dashes'),
  /** ISO 3166-1 alpha-2, e.g. US, DE. */
  country: z.string().regex(/^[A-Z]{2}$/, 'country: a two-letter ISO code such as US'),
});

export const orderLineInputSchema = z.strictObject({
  sku: skuSchema,
  quantity: z.number().int().min(1).max(100),
});

/** `POST /orders` body; the caller also sends an `Idempotency-Key` header. */
export const placeOrderSchema = z.strictObject({
  lines: z
    .array(orderLineInputSchema)
    .min(1, 'An order needs at least one line')
    .max(50)
    .refine((lines) => new Set(lines.map((l) => l.sku)).size === lines.length, 'Each SKU may appear on one line only'),
  shippingAddress: addressSchema,
});

/** Idempotency keys: 8–100 visible characters (a UUID is typical). */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{8,100}$/, 'Idempotency-Key: 8–100 visible ASCII characters');

export const orderLineSchema = z.object({
  sku: skuSchema,
  name: z.string(),
  quantity: z.number().int(),
  /** Minor units, in the order's currency: the product's price as the orders cell last heard it from the products cell. */
  unitPrice: z.number().int(),
  lineTotal: z.number().int(),
  /** The version of the product (`products.product.*` events) the line was priced at; 0 on orders placed before versions were recorded. */
  productVersion: z.number().int().min(0),
});

export const historyEntrySchema = z.object({
  status: orderStatusSchema,
  at: z.iso.datetime(),
  /** Why, when the move was caused by another cell or refused stock, e.g. `insufficient stock for KIT-PAN`. */
  reason: z.string().optional(),
});

export const orderSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  status: orderStatusSchema,
  lines: z.array(orderLineSchema),
  /** Minor units. */
  total: z.number().int(),
  currency: currencySchema,
  shippingAddress: addressSchema,
  history: z.array(historyEntrySchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const listOrdersQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: orderStatusSchema.optional(),
});

export const orderPageSchema = z.object({
  items: z.array(orderSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

const reservedLine = z.object({ sku: skuSchema, quantity: z.number().int().min(1) });

/** Event payloads (data of the CloudEvents). */
export const orderPlacedEventSchema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  lines: z.array(reservedLine).min(1),
  total: z.number().int(),
  currency: currencySchema,
  shippingAddress: addressSchema,
});
export const orderConfirmedEventSchema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  lines: z.array(reservedLine).min(1),
  shippingAddress: addressSchema,
});
export const orderRejectedEventSchema = z.object({ orderId: z.string().min(1), reason: z.string() });
export const orderCancelledEventSchema = z.object({ orderId: z.string().min(1), previousStatus: orderStatusSchema });
export const orderShippedEventSchema = z.object({
  orderId: z.string().min(1),
  shipmentId: z.string().min(1),
  carrier: z.string(),
  trackingNumber: z.string(),
});
export const orderDeliveredEventSchema = z.object({ orderId: z.string().min(1), shipmentId: z.string().min(1) });

export type Address = z.infer<typeof addressSchema>;
export type PlaceOrder = z.infer<typeof placeOrderSchema>;
export type OrderLine = z.infer<typeof orderLineSchema>;
export type Order = z.infer<typeof orderSchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;
export type OrderPage = z.infer<typeof orderPageSchema>;
export type OrderPlacedEvent = z.infer<typeof orderPlacedEventSchema>;
export type OrderConfirmedEvent = z.infer<typeof orderConfirmedEventSchema>;
export type OrderRejectedEvent = z.infer<typeof orderRejectedEventSchema>;
export type OrderCancelledEvent = z.infer<typeof orderCancelledEventSchema>;
export type OrderShippedEvent = z.infer<typeof orderShippedEventSchema>;
export type OrderDeliveredEvent = z.infer<typeof orderDeliveredEventSchema>;
