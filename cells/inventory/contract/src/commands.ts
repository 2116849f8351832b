import { z } from 'zod';
import { isPartitionName } from '@retail/descriptor';
import { skuSchema } from '@retail/products-contract';

/**
 * Cell-internal commands: `allocation` → `stock` (scope `inventory:internal`, never routed by the
 * gateway). Each carries `Idempotency-Key: <id of the event that caused it>`.
 */

/** Order ids as the orders cell issues them: visible ASCII without `/`, so they fit in a path. */
export const orderIdSchema = z.string().regex(/^[\x21-\x2e\x30-\x7e]{1,128}$/, 'orderId: 1–128 visible ASCII characters, no "/"');

/** The `Idempotency-Key` header of a command: the id of the event that caused it. */
export const commandKeySchema = z.string().regex(/^[\x21-\x7e]{8,200}$/, 'Idempotency-Key: 8–200 visible ASCII characters');

/** The partition of the orders cell that owns an order (`orders-2`): answers about the order go to it alone. */
export const orderPartitionSchema = z.string().refine(isPartitionName, 'partition: the name of an orders partition, e.g. orders-1');

/** `POST /reservations`: reserve every line or none. */
export const reserveStockSchema = z.strictObject({
  orderId: orderIdSchema,
  partition: orderPartitionSchema,
  lines: z
    .array(z.strictObject({ sku: skuSchema, quantity: z.number().int().min(1).max(1_000_000) }))
    .min(1, 'A reservation needs at least one line')
    .max(200),
});

export const reservationStatusSchema = z.enum(['RESERVED', 'RELEASED', 'COMMITTED', 'REJECTED']);

/** The answer to every reservation command: where the order's reservation stands now (`NONE`: there is none). */
export const reservationAnswerSchema = z.object({ orderId: z.string(), status: z.enum([...reservationStatusSchema.options, 'NONE']) });

export type ReserveStock = z.infer<typeof reserveStockSchema>;
export type ReservationStatus = z.infer<typeof reservationStatusSchema>;
export type ReservationAnswer = z.infer<typeof reservationAnswerSchema>;
