import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { reusePreparedStatements } from './patches/better-sqlite3-statement-cache.ts';

export type Db<TSchema extends Record<string, unknown> = Record<string, never>> = BetterSQLite3Database<TSchema>;
/** What a synchronous drizzle transaction callback receives. */
export type Tx<TSchema extends Record<string, unknown> = Record<string, never>> = Parameters<Parameters<Db<TSchema>['transaction']>[0]>[0];

export interface OpenDatabaseOptions<TSchema extends Record<string, unknown>> {
  /** A file path, or ':memory:' for tests. */
  file: string;
  schema: TSchema;
  /** The component's committed drizzle migrations folder; applied at open. */
  migrationsFolder: string;
  /**
   * Who owns the file (a partition's name, `orders-2`): recorded at the first open, and any other owner
   * is refused, so that a partition started on another partition's data stops instead of serving it.
   */
  owner?: string;
}

/** A component's own database, open: drizzle over it, the better-sqlite3 connection, and how to close it. */
export interface ComponentDatabase<TSchema extends Record<string, unknown>> {
  db: Db<TSchema>;
  sqlite: Database.Database;
  close(): void;
}

/**
 * Open a component's own SQLite file with WAL, synchronous=NORMAL and a busy timeout, then migrate it.
 * Its statements are prepared once per SQL text (see patches/better-sqlite3-statement-cache.ts).
 *
 * @example
 * const database = openDatabase({ file: '.data/orders/orders.db', schema, migrationsFolder: 'drizzle' });
 * database.db.select().from(schema.orders).all();
 */
export function openDatabase<TSchema extends Record<string, unknown>>(options: OpenDatabaseOptions<TSchema>): ComponentDatabase<TSchema> {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const sqlite = new Database(options.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  reusePreparedStatements(sqlite);
  if (options.owner) claimOwnership(sqlite, options.file, options.owner);
  const db = drizzle(sqlite, { schema: options.schema });
  migrate(db, { migrationsFolder: options.migrationsFolder });
  return {
    db,
    sqlite,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Record `owner` in a new file; refuse a file another owner recorded (the file is closed first). */
function claimOwnership(sqlite: Database.Database, file: string, owner: string): void {
  sqlite.exec('CREATE TABLE IF NOT EXISTS __owner (name TEXT NOT NULL)');
  const recorded = sqlite.prepare('SELECT name FROM __owner LIMIT 1').get() as { name: string } | undefined;
  if (!recorded) {
    sqlite.prepare('INSERT INTO __owner (name) VALUES (?)').run(owner);
    return;
  }
  if (recorded.name === owner) return;
  sqlite.close();
  throw new Error(`${file} belongs to ${recorded.name}, not ${owner}: each partition keeps its own data (DATA_DIR/<partition>/)`);
}
