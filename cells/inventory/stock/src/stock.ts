import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Adjustment, ListStockQuery, StockLevel, StockPage } from '@retail/inventory-contract';
import { adjustmentKeys, adjustments, stockLevels } from './db/schema.ts';
import { AdjustmentKeyReusedError, StockNotKeptError, StockShortfallError } from './errors.ts';
import { announceStockChange, findLevel, toStockLevel, type StockDb } from './levels.ts';

/** A request's Idempotency-Key and the hash of the request it came with (kernel's `requestHash`). */
export interface RequestKey {
  idempotencyKey: string;
  requestHash: string;
}

/** Stock levels as people see and correct them: listing, one SKU, manual adjustments. */
export interface Stock {
  list(query: ListStockQuery): StockPage;
  get(sku: string): StockLevel;
  /**
   * Goods received (+) or written off (−), recorded with who and why. With a `key`, applied once per
   * caller and key: the same request again gets the level the first one left (nothing changes), another
   * request under the same key is refused (AdjustmentKeyReusedError). A refused adjustment keeps no key.
   */
  adjust(sku: string, adjustment: Adjustment, actor: string, key?: RequestKey): StockLevel;
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

    adjust(sku, { delta, reason }, actor, key) {
      return db.transaction((tx) => {
        if (key) {
          const earlier = tx
            .select()
            .from(adjustmentKeys)
            .where(and(eq(adjustmentKeys.actor, actor), eq(adjustmentKeys.idempotencyKey, key.idempotencyKey)))
            .get();
          if (earlier && earlier.requestHash !== key.requestHash) throw new AdjustmentKeyReusedError();
          if (earlier) return earlier.response;
        }
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
        const { id } = tx.insert(adjustments).values({ sku, delta, reason, actor, at }).returning({ id: adjustments.id }).get()!;
        const level = announceStockChange(tx, row);
        if (key)
          tx.insert(adjustmentKeys)
            .values({ actor, ...key, adjustmentId: id, response: level, at })
            .run();
        return level;
      });
    },
  };
}
