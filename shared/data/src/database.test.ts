import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function migrations() {
  const dir = mkdtempSync(join(tmpdir(), 'mig-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'meta'));
  writeFileSync(join(dir, '0000_init.sql'), 'CREATE TABLE `things` (`id` integer PRIMARY KEY NOT NULL);');
  writeFileSync(
    join(dir, 'meta', '_journal.json'),
    JSON.stringify({ version: '7', dialect: 'sqlite', entries: [{ idx: 0, version: '6', when: 1, tag: '0000_init', breakpoints: true }] }),
  );
  return dir;
}

it('opens a file in WAL mode with synchronous=NORMAL and a busy timeout, creating its folder, and migrates it once', () => {
  const dir = migrations();
  const file = join(dir, 'nested', 'cell', 'component.db');
  const first = openDatabase({ file, schema: {}, migrationsFolder: dir });
  expect(first.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(first.sqlite.pragma('synchronous', { simple: true })).toBe(1);
  expect(first.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
  first.sqlite.exec('insert into things (id) values (1)');
  first.close();
  const again = openDatabase({ file, schema: {}, migrationsFolder: dir });
  expect(again.sqlite.prepare('select count(*) as n from things').get()).toEqual({ n: 1 });
  again.close();
});

it('keeps a file to the owner that first opened it: another partition is refused, the owner reopens it', () => {
  const dir = migrations();
  const file = join(dir, 'orders-1', 'orders.db');
  openDatabase({ file, schema: {}, migrationsFolder: dir, owner: 'orders-1' }).close();
  expect(() => openDatabase({ file, schema: {}, migrationsFolder: dir, owner: 'orders-2' })).toThrow(
    `${file} belongs to orders-1, not orders-2: each partition keeps its own data (DATA_DIR/<partition>/)`,
  );
  openDatabase({ file, schema: {}, migrationsFolder: dir, owner: 'orders-1' }).close();
});
