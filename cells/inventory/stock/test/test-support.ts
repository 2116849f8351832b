import { outbox } from '@retail/data';
import { appCaller } from '@retail/testing';
import { openStock, type StockDb } from '../src/levels.ts';
import type { stockTestApp } from './test-app.ts';

export type TestApp = Awaited<ReturnType<typeof stockTestApp>>;

/** A request to the app in process, JSON by default. */
export function caller(t: () => TestApp) {
  return appCaller(() => t().app);
}

/** Put SKUs in stock, then forget the events that announced it, so a test sees only its own. */
export function stockUp(db: StockDb, levels: Record<string, number>): void {
  db.transaction((tx) => {
    for (const [sku, onHand] of Object.entries(levels)) openStock(tx, sku, onHand);
  });
  db.delete(outbox).run();
}

/**
 * The events written so far, in order: `{ type, subject, data }`, and `partition` for an answer addressed
 * to an orders partition (where each travels: `outboxSubjects` of @retail/data/testing).
 */
export const outboxEvents = (db: StockDb) =>
  db
    .select()
    .from(outbox)
    .orderBy(outbox.seq)
    .all()
    .map((row) => {
      const event = JSON.parse(row.payload);
      return {
        type: event.type as string,
        partition: event.partition as string | undefined,
        subject: event.subject as string,
        data: event.data,
      };
    });
