import { z } from 'zod';
import { skuSchema } from '@retail/products-contract';

export const stockLevelSchema = z.object({
  sku: skuSchema,
  onHand: z.number().int().min(0),
  reserved: z.number().int().min(0),
  /** onHand − reserved: what can still be ordered. */
  available: z.number().int(),
});

/** The `Idempotency-Key` header an adjustment may carry: a retry with the same key and body is applied once. */
export const adjustmentKeySchema = z.string().regex(/^[\x21-\x7e]{8,100}$/, 'Idempotency-Key: 8–100 visible ASCII characters, e.g. a UUID');

/** `POST /inventory/{sku}/adjustments` (admin): receive goods (+), write off (−). */
export const adjustmentSchema = z.strictObject({
  delta: z
    .number()
    .int()
    .min(-100_000)
    .max(100_000)
    .refine((d) => d !== 0, 'delta must not be 0'),
  reason: z.string().trim().min(1).max(200),
});

export const listStockQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
});

export const stockPageSchema = z.object({
  items: z.array(stockLevelSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export type StockLevel = z.infer<typeof stockLevelSchema>;
export type Adjustment = z.infer<typeof adjustmentSchema>;
export type ListStockQuery = z.infer<typeof listStockQuerySchema>;
export type StockPage = z.infer<typeof stockPageSchema>;
