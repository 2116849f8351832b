import { z } from 'zod';

/** Events the inventory cell publishes, on its stream INVENTORY (`inventory.>`). */
export const InventorySubjects = {
  stockChanged: 'inventory.stock.changed',
} as const;

export const InventoryStream = 'INVENTORY';

/** Published whenever a SKU's on-hand or reserved count changes. */
export const stockChangedEventSchema = z.object({
  sku: z.string().min(1),
  onHand: z.number().int().min(0),
  reserved: z.number().int().min(0),
  available: z.number().int(),
});

export type StockChangedEvent = z.infer<typeof stockChangedEventSchema>;
