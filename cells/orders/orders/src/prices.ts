import { count, eq, inArray } from 'drizzle-orm';
import type { EventHandler } from '@retail/events';
import { ValidationError, type FieldError } from '@retail/kernel';
import type { CreateOrderCommand, Order, OrderLine } from '@retail/orders-contract';
import {
  ProductSubjects,
  productDeletedEventSchema,
  productEventSchema,
  type Product,
  type ProductDeletedEvent,
  type ProductEvent,
} from '@retail/products-contract';
import * as schema from './db/schema.ts';
import { PricesUnknownError } from './errors.ts';
import type { OrdersDb, OrdersTx } from './transition.ts';

type PriceRow = typeof schema.prices.$inferSelect;

/**
 * Whether an event about a product is newer than what the projection holds of it: a later life of the
 * SKU (deleted and created again: a later `createdAt`, its version starting over at 1), or a later
 * version of the same life. Redelivered and overtaken events are not newer, so they change nothing.
 */
const isNewer = (row: PriceRow, life: string, version: number) => life > row.createdAt || (life === row.createdAt && version > row.version);

function applyProduct(tx: OrdersTx, product: Product): void {
  const row = tx.select().from(schema.prices).where(eq(schema.prices.sku, product.sku)).get();
  if (row && !isNewer(row, product.createdAt, product.version)) return;
  const values = {
    sku: product.sku,
    name: product.name,
    amount: product.price.amount,
    currency: product.price.currency,
    version: product.version,
    createdAt: product.createdAt,
    deletedAt: null,
  };
  tx.insert(schema.prices).values(values).onConflictDoUpdate({ target: schema.prices.sku, set: values }).run();
}

function applyDeletion(tx: OrdersTx, deletion: ProductDeletedEvent, at: string): void {
  const row = tx.select().from(schema.prices).where(eq(schema.prices.sku, deletion.sku)).get();
  if (!row) {
    // Never heard of while it was for sale (its creation is still to come, late): a tombstone from the
    // deletion's time on, so that the late creation, of an earlier life, changes nothing.
    tx.insert(schema.prices)
      .values({ sku: deletion.sku, name: '', amount: 0, currency: '', version: deletion.version, createdAt: at, deletedAt: at })
      .run();
    return;
  }
  // A deletion of a later life than the one held cannot come before that life's creation; of an earlier one, it is stale.
  if (row.deletedAt !== null || row.createdAt > at || deletion.version <= row.version) return;
  tx.update(schema.prices).set({ version: deletion.version, deletedAt: at }).where(eq(schema.prices.sku, deletion.sku)).run();
}

/**
 * What the orders core consumes from the products cell: every product's current price, kept in its own
 * `prices` table, in the transaction that records the event in the inbox (so each applies once).
 */
export function priceHandlers(): Record<string, EventHandler> {
  const upsert: EventHandler<ProductEvent> = { schema: productEventSchema, handle: (tx, data) => applyProduct(tx, data.product) };
  return {
    [ProductSubjects.created]: upsert,
    [ProductSubjects.updated]: upsert,
    [ProductSubjects.deleted]: {
      schema: productDeletedEventSchema,
      handle: (tx, data: ProductDeletedEvent, event) => applyDeletion(tx, data, new Date(event.time).toISOString()),
    },
  };
}

export interface PricedLines {
  lines: OrderLine[];
  /** Minor units. */
  total: number;
  currency: Order['currency'];
}

/**
 * Price the customer's lines from the projection, inside the placement's transaction. A SKU it has never
 * heard of, or heard was deleted, and lines in different currencies are the customer's to fix (400); while
 * it has heard of no product at all (a fresh database still catching up), nobody can tell (503).
 */
export function priceLines(tx: OrdersDb | OrdersTx, lines: CreateOrderCommand['lines']): PricedLines {
  const skus = lines.map((l) => l.sku);
  const bySku = new Map(
    tx
      .select()
      .from(schema.prices)
      .where(inArray(schema.prices.sku, skus))
      .all()
      .filter((row) => row.deletedAt === null)
      .map((row) => [row.sku, row]),
  );
  const unknown: FieldError[] = lines.flatMap((line, i) =>
    bySku.has(line.sku) ? [] : [{ path: `lines.${i}.sku`, message: `There is no product with SKU ${line.sku}.` }],
  );
  if (unknown.length > 0) {
    if ((tx.select({ n: count() }).from(schema.prices).get()?.n ?? 0) === 0) throw new PricesUnknownError();
    throw new ValidationError(unknown, 'The order names products that do not exist.');
  }

  const priced = lines.map((line) => {
    const row = bySku.get(line.sku)!;
    return { line, row };
  });
  const currency = priced[0]!.row.currency;
  const foreign: FieldError[] = priced.flatMap(({ line, row }, i) =>
    row.currency === currency
      ? []
      : [{ path: `lines.${i}.sku`, message: `${line.sku} is priced in ${row.currency}, the order in ${currency}.` }],
  );
  if (foreign.length > 0)
    throw new ValidationError(foreign, 'All products of one order must be priced in the same currency; place separate orders.');

  const orderLines = priced.map(({ line, row }) => ({
    sku: line.sku,
    name: row.name,
    quantity: line.quantity,
    unitPrice: row.amount,
    lineTotal: row.amount * line.quantity,
    productVersion: row.version,
  }));
  return {
    lines: orderLines,
    total: orderLines.reduce((sum, l) => sum + l.lineTotal, 0),
    currency: currency as Order['currency'],
  };
}
