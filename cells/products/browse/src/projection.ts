import { eq, sql } from 'drizzle-orm';
import { placeholders, prepared, type Tx } from '@retail/data';
import type { Product, ProductDeletedEvent } from '@retail/products-contract';
import type { StockChangedEvent } from '@retail/inventory-contract';
import { availability, productView } from './db/schema.ts';

/**
 * Applying events to the read model. Each runs inside the consumer's transaction (with the inbox
 * record), and ignores versions older than what it already holds, so replays cannot roll data back.
 */
export function upsertProduct(tx: Tx<any>, product: Product): void {
  const current = tx.select({ version: productView.version }).from(productView).where(eq(productView.sku, product.sku)).get();
  if (current && current.version >= product.version) return;
  const row = {
    sku: product.sku,
    name: product.name,
    description: product.description,
    category: product.category,
    priceAmount: product.price.amount,
    currency: product.price.currency,
    imageUrl: product.imageUrl,
    version: product.version,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    searchText: `${product.name} ${product.description} ${product.category} ${product.sku}`.toLowerCase(),
  };
  tx.insert(productView).values(row).onConflictDoUpdate({ target: productView.sku, set: row }).run();
}

export function deleteProduct(tx: Tx<any>, event: ProductDeletedEvent): void {
  tx.delete(productView).where(eq(productView.sku, event.sku)).run();
}

/** Every order changes a SKU's stock: prepared once (see @retail/data's prepared). */
export function recordStock(tx: Tx<any>, stock: StockChangedEvent): void {
  const upsert = prepared(tx, 'availability.upsert', (d) =>
    d
      .insert(availability)
      .values(placeholders('sku', 'onHand', 'reserved', 'available', 'updatedAt'))
      .onConflictDoUpdate({
        target: availability.sku,
        set: {
          onHand: sql`excluded.on_hand`,
          reserved: sql`excluded.reserved`,
          available: sql`excluded.available`,
          updatedAt: sql`excluded.updated_at`,
        },
      })
      .prepare(),
  );
  upsert.run({
    sku: stock.sku,
    onHand: stock.onHand,
    reserved: stock.reserved,
    available: stock.available,
    updatedAt: new Date().toISOString(),
  });
}
