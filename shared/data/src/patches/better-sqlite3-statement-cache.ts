import type Database from 'better-sqlite3';

/**
 * Patch over better-sqlite3's `Database#prepare` (written for better-sqlite3 13.2).
 *
 * drizzle asks better-sqlite3 to prepare every query anew, and preparing (parsing and planning the SQL)
 * was the largest single cost of the busiest services under load. The same SQL text gets the same
 * statement back instead. Statements are used synchronously, one call at a time, so sharing them is
 * safe (an `iterate()` left open would make the shared statement busy; nothing here iterates); the row
 * mode drizzle may have switched on (raw arrays) is switched off again on each reuse.
 * better-sqlite3-statement-cache.test.ts checks that a reused statement behaves as a fresh one.
 */
export function reusePreparedStatements(sqlite: Database.Database, max = 500): void {
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
