import { sql, type Placeholder } from 'drizzle-orm';
import { sessionOf, type DrizzleSession } from './patches/drizzle-session.ts';

const bySession = new WeakMap<DrizzleSession, Map<string, unknown>>();

/**
 * A query built once per database and run again with new values (drizzle placeholders). drizzle builds
 * a query's SQL from its builder on every call, which for a small insert or select costs 30–50 µs
 * against ~4 µs to run it; on the statements every request or event runs (outbox, inbox, the relay)
 * that was a good share of the busiest services' CPU. `name` identifies the query (one name, one SQL).
 *
 * A database and its transactions share one drizzle session (one SQLite connection; see
 * patches/drizzle-session.ts), so a query prepared on either runs inside whatever transaction is open
 * on that connection.
 *
 * @example
 * const byId = (on: Db | Tx) => prepared(on, 'things.byId', (d) => d.select().from(things).where(eq(things.id, sql.placeholder('id'))).prepare());
 * byId(tx).get({ id: 7 });
 */
export function prepared<D extends object, Q>(on: D, name: string, build: (db: D) => Q): Q {
  const session = sessionOf(on, `prepared(${name})`);
  let queries = bySession.get(session);
  if (!queries) {
    queries = new Map();
    bySession.set(session, queries);
  }
  let query = queries.get(name) as Q | undefined;
  if (query === undefined) {
    query = build(on);
    queries.set(name, query);
  }
  return query;
}

/**
 * `{ a: sql.placeholder('a'), b: sql.placeholder('b') }`: the values of a prepared insert or update,
 * given by name when it runs.
 *
 * @example
 * prepared(tx, 'things.insert', (d) => d.insert(things).values(placeholders('id', 'name')).prepare()).run({ id: 1, name: 'one' });
 */
export function placeholders<const K extends string>(...names: K[]): { [N in K]: Placeholder<N> } {
  return Object.fromEntries(names.map((name) => [name, sql.placeholder(name)])) as { [N in K]: Placeholder<N> };
}
