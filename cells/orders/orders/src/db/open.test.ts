import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { openDatabase } from '@retail/data';
import { createOrderCommandSchema, orderTransitionCommandSchema } from '@retail/orders-contract';
import { tempDir } from '@retail/testing';
import { expect, it } from 'vitest';
import { createOrderBook } from '../order-book.ts';
import { announceCatalog, orderCommand } from '../../test/test-app.ts';
import { openOwnDatabase } from './open.ts';
import * as schema from './schema.ts';

const committed = fileURLToPath(new URL('../../drizzle', import.meta.url));

it('opens a data file written before moves between partitions existed, keeping its orders', () => {
  const dir = tempDir('orders-open-');
  try {
    // The committed migrations as they were then: 0000 alone.
    const before = join(dir.path, 'drizzle-0000');
    cpSync(committed, before, { recursive: true });
    const journal = JSON.parse(readFileSync(join(before, 'meta/_journal.json'), 'utf8'));
    writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    const file = join(dir.path, 'orders-1', 'orders.db');
    const old = openDatabase({ file, schema: {}, migrationsFolder: before, owner: 'orders-1' });
    old.sqlite
      .prepare(
        `insert into orders (id, customer_id, status, lines, total, currency, shipping_address, idempotency_key, request_hash, created_at, updated_at)
         values ('0f8fad5b-d9cb-469f-a165-70867728950e', 'user-alice', 'PENDING', '[{"sku":"KIT-PAN","name":"Pan","quantity":2,"unitPrice":100,"lineTotal":200},{"sku":"KIT-KNIFE","name":"Knife","quantity":1,"unitPrice":300,"lineTotal":300}]', 500, 'USD', '{}', 'old-key-1', ?, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`,
      )
      .run('a'.repeat(64));
    old.sqlite
      .prepare(
        `insert into order_history (order_id, status, at) values ('0f8fad5b-d9cb-469f-a165-70867728950e', 'PENDING', '2024-01-01T00:00:00.000Z')`,
      )
      .run();
    old.close();

    const database = openOwnDatabase(file, 'orders-1');
    try {
      expect(database.db.select().from(schema.orders).all()).toEqual([
        expect.objectContaining({ customerId: 'user-alice', migrationId: null }),
      ]);
      // Lines from before versions were recorded: productVersion 0 (unknown), in their order.
      expect(database.db.select().from(schema.orders).get()?.lines).toEqual([
        { sku: 'KIT-PAN', name: 'Pan', quantity: 2, unitPrice: 100, lineTotal: 200, productVersion: 0 },
        { sku: 'KIT-KNIFE', name: 'Knife', quantity: 1, unitPrice: 300, lineTotal: 300, productVersion: 0 },
      ]);
      expect(database.db.select().from(schema.prices).all()).toEqual([]);
      announceCatalog(database.db);
      expect(database.db.select().from(schema.orderHistory).all()).toEqual([expect.objectContaining({ status: 'PENDING', key: null })]);
      expect(database.db.select().from(schema.customerMoves).all()).toEqual([]);
      expect(database.db.select().from(schema.movedOrders).all()).toEqual([]);
      // And a saga step now keeps its key with the history entry.
      const book = createOrderBook(database.db);
      const { order } = book.place(createOrderCommandSchema.parse(orderCommand()));
      book.advance(order.id, orderTransitionCommandSchema.parse({ to: 'CONFIRMED' }), 'event-key-1');
      expect(database.db.select().from(schema.orderHistory).all().at(-1)).toMatchObject({ status: 'CONFIRMED', key: 'event-key-1' });
    } finally {
      database.close();
    }
  } finally {
    dir.remove();
  }
});
