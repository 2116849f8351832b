import { integer, text } from 'drizzle-orm/sqlite-core';
import type { Product } from './schemas.ts';

// How the products cell stores a product, in catalog's table and in browse's read model alike: one
// home, so the copy browse keeps cannot drift from the original. Its own entry point
// (`@retail/products-contract/storage`), so the cell's other clients do not load drizzle.

/** A product's columns; a fresh set for each table that holds them. */
export function productColumns() {
  return {
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
  };
}

/** The stored columns a product's descriptive fields are read from. */
export interface ProductRow {
  sku: string;
  name: string;
  description: string;
  category: string;
  priceAmount: number;
  currency: string;
  imageUrl: string | null;
}

/** A product's descriptive fields as the contract has them: the price joined back from its two columns. */
export function productFields(row: ProductRow): Pick<Product, 'sku' | 'name' | 'description' | 'category' | 'price' | 'imageUrl'> {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: row.category,
    price: { amount: row.priceAmount, currency: row.currency as Product['price']['currency'] },
    imageUrl: row.imageUrl,
  };
}
