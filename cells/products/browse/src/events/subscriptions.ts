import type { EventHandler } from '@retail/events';
import { ProductSubjects, productDeletedEventSchema, productEventSchema } from '@retail/products-contract';
import { InventorySubjects, stockChangedEventSchema } from '@retail/inventory-contract';
import { deleteProduct, recordStock, upsertProduct } from '../projection.ts';

/** What browse consumes from its own cell's stream. */
export const catalogHandlers: Record<string, EventHandler> = {
  [ProductSubjects.created]: { schema: productEventSchema, handle: (tx, data) => upsertProduct(tx, data.product) },
  [ProductSubjects.updated]: { schema: productEventSchema, handle: (tx, data) => upsertProduct(tx, data.product) },
  [ProductSubjects.deleted]: { schema: productDeletedEventSchema, handle: (tx, data) => deleteProduct(tx, data) },
};

/** What browse consumes from the inventory cell (waited for until that cell has created its stream). */
export const stockHandlers: Record<string, EventHandler> = {
  [InventorySubjects.stockChanged]: { schema: stockChangedEventSchema, handle: (tx, data) => recordStock(tx, data) },
};
