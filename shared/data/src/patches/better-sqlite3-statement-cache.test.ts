import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { reusePreparedStatements } from './better-sqlite3-statement-cache.ts';
import { installedVersion, upgradeNotice } from './installed-version.ts';

const open: Database.Database[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function patched() {
  const sqlite = new Database(':memory:');
  open.push(sqlite);
  reusePreparedStatements(sqlite);
  sqlite.exec('create table things (id integer primary key, name text not null)');
  return sqlite;
}

it('is the better-sqlite3 the patch was written for', () => {
  expect(installedVersion('better-sqlite3', import.meta.url), upgradeNotice('better-sqlite3', 'better-sqlite3-statement-cache.ts')).toBe(
    '13.2',
  );
});

it('hands back the same statement for the same SQL, which still runs with new values', () => {
  const sqlite = patched();
  const insert = sqlite.prepare('insert into things (id, name) values (?, ?)');
  expect(sqlite.prepare('insert into things (id, name) values (?, ?)')).toBe(insert);
  insert.run(1, 'one');
  sqlite.prepare('insert into things (id, name) values (?, ?)').run(2, 'two');
  expect(sqlite.prepare('select count(*) as n from things').get()).toEqual({ n: 2 });
  expect(sqlite.prepare('select name from things where id = ?')).not.toBe(insert);
});

it('gives rows as objects again after a caller switched the shared statement to raw arrays', () => {
  const sqlite = patched();
  sqlite.prepare('insert into things (id, name) values (1, ?)').run('one');
  const select = sqlite.prepare('select id, name from things');
  expect(select.raw(true).all()).toEqual([[1, 'one']]); // what drizzle does for some selects
  const again = sqlite.prepare('select id, name from things');
  expect(again).toBe(select);
  expect(again.all()).toEqual([{ id: 1, name: 'one' }]);
});

it('keeps at most `max` statements, forgetting the oldest', () => {
  const sqlite = new Database(':memory:');
  open.push(sqlite);
  reusePreparedStatements(sqlite, 2);
  const first = sqlite.prepare('select 1');
  sqlite.prepare('select 2');
  sqlite.prepare('select 3');
  expect(sqlite.prepare('select 1')).not.toBe(first);
});
