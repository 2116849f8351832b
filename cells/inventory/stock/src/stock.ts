import { asc, count, eq, sql } from 'drizzle-orm';
import type { Adjustment, ListStockQuery, StockLevel, StockPage } from '@retail/inventory-contract';
import { adjustments, stockLevels } from './db/schema.ts';
import { StockNotKeptError, StockShortfallError } from './errors.ts';
import { announceStockChange, findLevel, toStockLevel, type StockDb } from './levels.ts';

/** Stock levels as people see and correct them: listing, one SKU, manual adjustments. */
export interface Stock {
  list(query: ListStockQuery): StockPage;
  get(sku: string): StockLevel;
  /** Goods received (+) or written off (−), recorded with who and why. */
  adjust(sku: string, adjustment: Adjustment, actor: string): StockLevel;
}

export function createStock(db: StockDb): Stock {
  return {
    list(query) {
      const total = db.select({ n: count() }).from(stockLevels).get()?.n ?? 0;
      const rows = db
        .select()
        .from(stockLevels)
        .orderBy(asc(stockLevels.sku))
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize)
        .all();
      return { items: rows.map(toStockLevel), page: query.page, pageSize: query.pageSize, total };
    },

    get(sku) {
      const row = findLevel(db, sku);
      if (!row) throw new StockNotKeptError(sku);
      return toStockLevel(row);
    },

    adjust(sku, { delta, reason }, actor) {
      return db.transaction((tx) => {
        const current = findLevel(tx, sku);
        if (!current) throw new StockNotKeptError(sku);
        const onHand = current.onHand + delta;
        if (onHand < 0)
          throw new StockShortfallError(`Adjusting ${sku} by ${delta} would leave ${onHand} on hand; there are ${current.onHand}.`);
        if (onHand < current.reserved) {
          throw new StockShortfallError(
            `Adjusting ${sku} by ${delta} would leave ${onHand} on hand, fewer than the ${current.reserved} reserved for orders.`,
          );
        }
        const at = new Date().toISOString();
        const row = tx
          .update(stockLevels)
          .set({ onHand: sql`${stockLevels.onHand} + ${delta}`, updatedAt: at })
          .where(eq(stockLevels.sku, sku))
          .returning()
          .get()!;
        tx.insert(adjustments).values({ sku, delta, reason, actor, at }).run();
        return announceStockChange(tx, row);
      });
    },
  };
}
