import { and, asc, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import { prepared, type Db } from '@retail/data';
import type { Availability, CatalogItem, ListProductsQuery, ProductPage } from '@retail/products-contract';
import { productFields, type ProductRow } from '@retail/products-contract/storage';
import * as schema from './db/schema.ts';
import { ProductNotFoundError } from './errors.ts';

export type BrowseDb = Db<typeof schema>;
const { productView } = schema;

/** At or below this many units a product shows as `low_stock`. */
export const LOW_STOCK_THRESHOLD = 5;

export function availabilityOf(available: number | null): Availability {
  if (available === null) return { status: 'unknown', available: null };
  if (available <= 0) return { status: 'out_of_stock', available: 0 };
  return { status: available <= LOW_STOCK_THRESHOLD ? 'low_stock' : 'in_stock', available };
}

const selection = {
  sku: productView.sku,
  name: productView.name,
  description: productView.description,
  category: productView.category,
  priceAmount: productView.priceAmount,
  currency: productView.currency,
  imageUrl: productView.imageUrl,
  updatedAt: productView.updatedAt,
  version: productView.version,
  // A scalar subquery, not a LEFT JOIN: SQLite answers the same row with it in a quarter of the time
  // (about 5 µs against 22 µs for the detail's lookup by SKU, measured on a file database in WAL mode).
  // Spelled out: drizzle leaves column names unqualified in a one-table query, which the subquery would read as its own.
  available: sql<number | null>`(select a.available from availability a where a.sku = product_view.sku)`,
};

interface Row extends ProductRow {
  updatedAt: string;
  version: number;
  available: number | null;
}

function toItem(row: Row): CatalogItem {
  return {
    ...productFields(row),
    updatedAt: row.updatedAt,
    availability: availabilityOf(row.available),
  };
}

const escapeLike = (text: string) => text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`);

const ORDER: Record<ListProductsQuery['sort'], SQL[]> = {
  name: [asc(productView.name), asc(productView.sku)],
  '-name': [desc(productView.name), asc(productView.sku)],
  price: [asc(productView.priceAmount), asc(productView.sku)],
  '-price': [desc(productView.priceAmount), asc(productView.sku)],
  newest: [desc(productView.createdAt), asc(productView.sku)],
};

export function listProducts(db: BrowseDb, query: ListProductsQuery): ProductPage {
  const filters: SQL[] = [];
  if (query.category) filters.push(eq(productView.category, query.category));
  for (const word of (query.q ?? '').split(/\s+/).filter(Boolean)) {
    filters.push(sql`${productView.searchText} like ${`%${escapeLike(word)}%`} escape '\\'`);
  }
  const where = filters.length ? and(...filters) : undefined;
  const total = db.select({ n: count() }).from(productView).where(where).get()?.n ?? 0;
  const items = db
    .select(selection)
    .from(productView)
    .where(where)
    .orderBy(...ORDER[query.sort])
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .all();
  return { items: items.map(toItem), page: query.page, pageSize: query.pageSize, total };
}

/** The hottest read of the cell, built and prepared once per database rather than on every request. */
const productBySku = (db: BrowseDb) =>
  prepared(db, 'products.bySku', (d) =>
    d
      .select(selection)
      .from(productView)
      .where(eq(productView.sku, sql.placeholder('sku')))
      .prepare(),
  );

/**
 * One product, with the catalog's version of it that this copy holds (the version of the last event
 * applied): the same number the catalog has for that state, so the ETag made from it is the one the
 * catalog checks `If-Match` against.
 */
export function getProduct(db: BrowseDb, sku: string): { item: CatalogItem; version: number } {
  const row = productBySku(db).get({ sku });
  if (!row) throw new ProductNotFoundError(sku);
  return { item: toItem(row), version: row.version };
}
