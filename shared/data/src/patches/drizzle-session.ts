/**
 * Patch over drizzle-orm's internals (written for drizzle-orm 0.45): its `session` property.
 *
 * drizzle does not document `session`; it is the object that owns the SQLite connection. A database
 * (`drizzle(sqlite)`) and every transaction or savepoint opened on it carry the same session, so it is
 * the one key that says "this connection" whichever of them a caller holds. `prepared` caches queries
 * by it, and the outbox relay is found by it. drizzle-session.test.ts checks that this still holds.
 */
export type DrizzleSession = object;

/**
 * The drizzle session of a database or transaction: one per SQLite connection, shared by the database
 * and all its transactions.
 *
 * @example
 * db.transaction((tx) => sessionOf(tx) === sessionOf(db)); // true
 */
export function sessionOf(on: object, what = 'sessionOf'): DrizzleSession {
  const session = (on as { session?: DrizzleSession }).session;
  if (!session || typeof session !== 'object') throw new TypeError(`${what}: expected a drizzle database or transaction`);
  return session;
}
