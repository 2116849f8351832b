import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { sessionOf } from './drizzle-session.ts';
import { installedVersion, upgradeNotice } from './installed-version.ts';

const open: Database.Database[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
const database = () => {
  const sqlite = new Database(':memory:');
  open.push(sqlite);
  return drizzle(sqlite);
};

it('is the drizzle-orm the patch was written for', () => {
  expect(installedVersion('drizzle-orm', import.meta.url), upgradeNotice('drizzle-orm', 'drizzle-session.ts')).toBe('0.45');
});

it('finds one session per connection, shared by the database, its transactions and savepoints', () => {
  const db = database();
  const session = sessionOf(db);
  expect('session' in db).toBe(true);
  db.transaction((tx) => {
    expect(sessionOf(tx)).toBe(session);
    tx.transaction((savepoint) => expect(sessionOf(savepoint)).toBe(session));
  });
  expect(sessionOf(database())).not.toBe(session);
});

it('refuses what is not a drizzle database', () => {
  expect(() => sessionOf({}, 'prepared(x)')).toThrow('prepared(x): expected a drizzle database or transaction');
});
