import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { productColumns } from '@retail/products-contract/storage';
export { outbox, inbox } from '@retail/data';

/** The read model of the catalog, rebuilt from products.product.* events. */
export const productView = sqliteTable(
  'product_view',
  {
    ...productColumns(),
    /** Lower-cased name, description and category, for text search. */
    searchText: text('search_text').notNull(),
  },
  (t) => [
    index('product_view_category').on(t.category),
    index('product_view_name').on(t.name),
    index('product_view_price').on(t.priceAmount),
  ],
);

/** Stock per SKU from inventory.stock.changed; kept apart because stock may be reported before the product. */
export const availability = sqliteTable('availability', {
  sku: text('sku').primaryKey(),
  onHand: integer('on_hand').notNull(),
  reserved: integer('reserved').notNull(),
  available: integer('available').notNull(),
  updatedAt: text('updated_at').notNull(),
});
