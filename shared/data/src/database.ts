import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

export type Db<TSchema extends Record<string, unknown> = Record<string, never>> = BetterSQLite3Database<TSchema>;
/** What a synchronous drizzle transaction callback receives. */
export type Tx<TSchema extends Record<string, unknown> = Record<string, never>> = Parameters<
  Parameters<Db<TSchema>['transaction']>[0]
>[0];

export interface OpenDatabaseOptions<TSchema extends Record<string, unknown>> {
  /** A file path, or ':memory:' for tests. */
  file: string;
  schema: TSchema;
  /** The component's committed drizzle migrations folder; applied at open. */
  migrationsFolder: string;
}

export interface Database_<TSchema extends Record<string, unknown>> {
  db: Db<TSchema>;
  sqlite: Database.Database;
  close(): void;
}

/** Open a component's own SQLite file with WAL, synchronous=NORMAL and a busy timeout, then migrate it. */
export function openDatabase<TSchema extends Record<string, unknown>>(
  options: OpenDatabaseOptions<TSchema>,
): Database_<TSchema> {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const sqlite = new Database(options.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  reusePreparedStatements(sqlite);
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

/**
 * drizzle asks better-sqlite3 to prepare every query anew, and preparing (parsing and planning the SQL)
 * was the largest single cost of the busiest services under load. The same SQL text gets the same
 * statement back instead. Statements are used synchronously, one call at a time, so sharing them is
 * safe; the row mode drizzle may have switched on (raw arrays) is switched off again on each reuse.
 */
function reusePreparedStatements(sqlite: Database.Database, max = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = statements.get(source);
    if (cached) {
      if (cached.reader) cached.raw(false);
      return cached;
    }
    const statement = prepare(source);
    if (statements.size >= max) statements.delete(statements.keys().next().value!);
    statements.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}
