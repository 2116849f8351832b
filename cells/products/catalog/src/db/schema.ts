import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
export { outbox, inbox } from '@retail/data';

export const products = sqliteTable(
  'products',
  {
    sku: text('sku').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    category: text('category').notNull(),
    priceAmount: integer('price_amount').notNull(),
    currency: text('currency').notNull(),
    imageUrl: text('image_url'),
    version: integer('version').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('products_category').on(t.category)],
);

/** One-off facts about this database, e.g. that the demo catalog was seeded (so a deleted catalog stays deleted). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
