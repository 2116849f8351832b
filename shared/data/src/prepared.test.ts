import { expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';
import type { Db, Tx } from './database.ts';
import { placeholders, prepared } from './prepared.ts';
import { memoryDatabase } from '../test/test-database.ts';

const things = sqliteTable('things', { id: integer('id').primaryKey(), name: text('name').notNull() });
const database = () => memoryDatabase('CREATE TABLE things (id integer PRIMARY KEY, name text NOT NULL)');
const insertThing = (on: Db | Tx) => prepared(on, 'things.insert', (db) => db.insert(things).values(placeholders('id', 'name')).prepare());
const thingNamed = (on: Db | Tx) =>
  prepared(on, 'things.byId', (db) =>
    db
      .select()
      .from(things)
      .where(eq(things.id, sql.placeholder('id')))
      .prepare(),
  );

it('builds a query once per database and runs it with new values each time', () => {
  const db = database();
  expect(insertThing(db)).toBe(insertThing(db));
  insertThing(db).run({ id: 1, name: 'one' });
  insertThing(db).run({ id: 2, name: 'two' });
  expect(thingNamed(db).get({ id: 2 })).toEqual({ id: 2, name: 'two' });
  const other = database();
  expect(insertThing(other)).not.toBe(insertThing(db));
  expect(thingNamed(other).get({ id: 2 })).toBeUndefined();
});

it('runs inside the transaction that is open, and is undone with it', () => {
  const db = database();
  db.transaction((tx) => insertThing(tx).run({ id: 1, name: 'kept' }));
  expect(() =>
    db.transaction((tx) => {
      insertThing(tx).run({ id: 2, name: 'undone' });
      throw new Error('the rest of the change failed');
    }),
  ).toThrow('the rest of the change failed');
  expect(db.select().from(things).all()).toEqual([{ id: 1, name: 'kept' }]);
});
