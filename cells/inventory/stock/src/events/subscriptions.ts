import type { EventHandler } from '@retail/events';
import { ProductSubjects, productEventSchema, type ProductEvent } from '@retail/products-contract';
import { openStock } from '../levels.ts';
import { openingStock } from '../seed.ts';

export interface ProductHandlerOptions {
  /** Units a product outside the demo catalog starts with (env NEW_PRODUCT_STOCK). */
  newProductStock: number;
}

/** What stock consumes from the products cell: every new product gets a stock row (and says so). */
export function productHandlers(options: ProductHandlerOptions): Record<string, EventHandler> {
  const { newProductStock } = options;
  return {
    [ProductSubjects.created]: {
      schema: productEventSchema,
      handle: (tx, data: ProductEvent) => {
        const sku = data.product.sku;
        openStock(tx, sku, openingStock(sku, newProductStock));
      },
    },
  };
}
