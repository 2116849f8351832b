import { sql, type Placeholder } from 'drizzle-orm';

type Session = object;
const bySession = new WeakMap<Session, Map<string, unknown>>();

/**
 * A query built once per database and run again with new values (drizzle placeholders). drizzle builds
 * a query's SQL from its builder on every call, which for a small insert or select costs 30–50 µs
 * against ~4 µs to run it; on the statements every request or event runs (outbox, inbox, the relay)
 * that was a good share of the busiest services' CPU. `name` identifies the query (one name, one SQL).
 *
 * A database and its transactions share one drizzle session (one SQLite connection), so a query
 * prepared on either runs inside whatever transaction is open on that connection.
 */
export function prepared<D extends object, Q>(on: D, name: string, build: (db: D) => Q): Q {
  const session = (on as { session?: Session }).session;
  if (!session) throw new TypeError(`prepared(${name}): expected a drizzle database or transaction`);
  let queries = bySession.get(session);
  if (!queries) bySession.set(session, (queries = new Map()));
  let query = queries.get(name) as Q | undefined;
  if (query === undefined) queries.set(name, (query = build(on)));
  return query;
}

/**
 * `{ a: sql.placeholder('a'), b: sql.placeholder('b') }`: the values of a prepared insert or update,
 * given by name when it runs (`.run({ a: 1, b: 2 })`).
 */
export function placeholders<const K extends string>(...names: K[]): { [N in K]: Placeholder<N> } {
  return Object.fromEntries(names.map((name) => [name, sql.placeholder(name)])) as { [N in K]: Placeholder<N> };
}
