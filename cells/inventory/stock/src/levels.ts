import { eq, inArray, sql } from 'drizzle-orm';
import { prepared, type Db, type Tx } from '@retail/data';
import { appendStateToOutbox, createEvent } from '@retail/events';
import { InventorySubjects, type StockChangedEvent, type StockLevel } from '@retail/inventory-contract';
import * as schema from './db/schema.ts';

export type StockDb = Db<typeof schema>;
/** A transaction (or the database itself, for reads). */
export type Reader = Pick<StockDb, 'select'>;
type LevelRow = typeof schema.stockLevels.$inferSelect;

export const SOURCE = '/cells/inventory/stock';

export const toStockLevel = (row: LevelRow): StockLevel => ({
  sku: row.sku,
  onHand: row.onHand,
  reserved: row.reserved,
  available: row.onHand - row.reserved,
});

export const findLevel = (tx: Reader, sku: string) => tx.select().from(schema.stockLevels).where(eq(schema.stockLevels.sku, sku)).get();

/** Every reservation reads its SKUs' levels: one prepared query for any number of them (a JSON array). */
export const findLevels = (tx: Reader, skus: string[]) =>
  new Map(
    prepared(tx, 'stock.levels', (d) =>
      d
        .select()
        .from(schema.stockLevels)
        .where(inArray(schema.stockLevels.sku, sql`(select value from json_each(${sql.placeholder('skus')}))`))
        .prepare(),
    )
      .all({ skus: JSON.stringify(skus) })
      .map((row) => [row.sku, row]),
  );

/**
 * Every change of a SKU's counts is announced, in the transaction that made it: as a state, so that the
 * changes of a burst the relay has not sent yet go out as the last one (what browse keeps is the level).
 */
export function announceStockChange(tx: Tx<any>, row: LevelRow): StockLevel {
  const level = toStockLevel(row);
  const data: StockChangedEvent = level;
  appendStateToOutbox(tx, createEvent({ source: SOURCE, type: InventorySubjects.stockChanged, subject: level.sku, data }));
  return level;
}

/** Start stocking a SKU (a product was created). Does nothing if it is stocked already. */
export function openStock(tx: Tx<any>, sku: string, onHand: number): StockLevel | undefined {
  const row = tx
    .insert(schema.stockLevels)
    .values({ sku, onHand, reserved: 0, updatedAt: new Date().toISOString() })
    .onConflictDoNothing()
    .returning()
    .get();
  return row ? announceStockChange(tx, row) : undefined;
}
