import { afterEach } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';

const open: Database.Database[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

/** A drizzle database in memory with the tables `ddl` creates, closed after each test. */
export function memoryDatabase(ddl: string) {
  const sqlite = new Database(':memory:');
  open.push(sqlite);
  sqlite.exec(ddl);
  return drizzle(sqlite);
}
