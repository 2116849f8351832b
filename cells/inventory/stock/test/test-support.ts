import { outbox } from '@retail/data';
import { openStock, type StockDb } from '../src/levels.ts';
import type { stockTestApp } from './test-app.ts';

export type TestApp = Awaited<ReturnType<typeof stockTestApp>>;

export interface CallOptions {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

/** A request to the app in process, JSON by default. */
export function caller(t: () => TestApp) {
  return (method: string, path: string, options: CallOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined || options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = options.raw ?? JSON.stringify(options.body);
    }
    return t().app.request(path, { method, headers, body });
  };
}

/** Put SKUs in stock, then forget the events that announced it, so a test sees only its own. */
export function stockUp(db: StockDb, levels: Record<string, number>): void {
  db.transaction((tx) => {
    for (const [sku, onHand] of Object.entries(levels)) openStock(tx, sku, onHand);
  });
  db.delete(outbox).run();
}

/** The events written so far, in order: `{ type, data }`. */
export const outboxEvents = (db: StockDb) =>
  db
    .select()
    .from(outbox)
    .orderBy(outbox.seq)
    .all()
    .map((row) => {
      const event = JSON.parse(row.payload);
      return { type: row.subject as string, subject: event.subject as string, data: event.data };
    });
