import { eq, inArray, sql } from 'drizzle-orm';
import { appendToOutbox, createEvent } from '@retail/events';
import { prepared, type Db } from '@retail/data';
import { ProductSubjects, type CreateProduct, type PriceList, type Product, type UpdateProduct } from '@retail/products-contract';
import { productFields } from '@retail/products-contract/storage';
import * as schema from './db/schema.ts';
import { DuplicateSkuError, ProductChangedError, ProductNotFoundError } from './errors.ts';

export type CatalogDb = Db<typeof schema>;
type Row = typeof schema.products.$inferSelect;

const SOURCE = '/cells/products/catalog';

export function toProduct(row: Row): Product {
  return {
    ...productFields(row),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Whether a change made against what the caller saw may apply to the product's current `version` (its If-Match). */
export type VersionCheck = (currentVersion: number) => boolean;

/**
 * The product aggregate. Each change and the event announcing it are one SQLite transaction
 * (transactional outbox), so an event is never lost and never published for a change that rolled back.
 * A change may name the versions it was made against (`ifVersion`): checked in its transaction, so no
 * other change slips in between (ProductChangedError, 412).
 */
export interface Catalog {
  get(sku: string): Product;
  /** Authoritative current prices, for pricing an order. */
  prices(skus: string[]): PriceList;
  create(input: CreateProduct): Product;
  update(sku: string, changes: UpdateProduct, ifVersion?: VersionCheck): Product;
  remove(sku: string, ifVersion?: VersionCheck): void;
}

export function createCatalog(db: CatalogDb): Catalog {
  const find = (tx: Pick<CatalogDb, 'select'>, sku: string) => tx.select().from(schema.products).where(eq(schema.products.sku, sku)).get();

  const catalog: Catalog = {
    get(sku) {
      const row = find(db, sku);
      if (!row) throw new ProductNotFoundError(sku);
      return toProduct(row);
    },

    prices(skus) {
      // Every order asks: one prepared query for any number of SKUs, given as a JSON array.
      const rows = prepared(db, 'products.prices', (d) =>
        d
          .select()
          .from(schema.products)
          .where(inArray(schema.products.sku, sql`(select value from json_each(${sql.placeholder('skus')}))`))
          .prepare(),
      ).all({ skus: JSON.stringify(skus) });
      const found = new Set(rows.map((r) => r.sku));
      return {
        items: rows.map((r) => ({ sku: r.sku, name: r.name, price: toProduct(r).price })),
        missing: [...new Set(skus)].filter((sku) => !found.has(sku)),
      };
    },

    create(input) {
      const now = new Date().toISOString();
      return db.transaction((tx) => {
        if (find(tx, input.sku)) throw new DuplicateSkuError(input.sku);
        const row = tx
          .insert(schema.products)
          .values({
            sku: input.sku,
            name: input.name,
            description: input.description,
            category: input.category,
            priceAmount: input.price.amount,
            currency: input.price.currency,
            imageUrl: input.imageUrl,
            version: 1,
            createdAt: now,
            updatedAt: now,
          })
          .returning()
          .get();
        const created = toProduct(row);
        appendToOutbox(
          tx,
          createEvent({ source: SOURCE, type: ProductSubjects.created, subject: created.sku, data: { product: created } }),
        );
        return created;
      });
    },

    update(sku, changes, ifVersion) {
      return db.transaction((tx) => {
        const current = find(tx, sku);
        if (!current) throw new ProductNotFoundError(sku);
        if (ifVersion && !ifVersion(current.version)) throw new ProductChangedError(sku, current.version);
        const row = tx
          .update(schema.products)
          .set({
            name: changes.name,
            description: changes.description,
            category: changes.category,
            priceAmount: changes.price?.amount,
            currency: changes.price?.currency,
            imageUrl: changes.imageUrl,
            version: current.version + 1,
            updatedAt: new Date().toISOString(),
          })
          .where(eq(schema.products.sku, sku))
          .returning()
          .get();
        const updated = toProduct(row);
        appendToOutbox(tx, createEvent({ source: SOURCE, type: ProductSubjects.updated, subject: sku, data: { product: updated } }));
        return updated;
      });
    },

    remove(sku, ifVersion) {
      db.transaction((tx) => {
        const current = find(tx, sku);
        if (!current) throw new ProductNotFoundError(sku);
        if (ifVersion && !ifVersion(current.version)) throw new ProductChangedError(sku, current.version);
        tx.delete(schema.products).where(eq(schema.products.sku, sku)).run();
        appendToOutbox(
          tx,
          createEvent({ source: SOURCE, type: ProductSubjects.deleted, subject: sku, data: { sku, version: current.version + 1 } }),
        );
      });
    },
  };
  return catalog;
}
