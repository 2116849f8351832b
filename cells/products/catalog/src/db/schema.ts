import { sqliteTable, text, index } from 'drizzle-orm/sqlite-core';
import { productColumns } from '@retail/products-contract/storage';
export { outbox, inbox } from '@retail/data';

export const products = sqliteTable('products', productColumns(), (t) => [index('products_category').on(t.category)]);

/** One-off facts about this database, e.g. that the demo catalog was seeded (so a deleted catalog stays deleted). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
