import { sessionOf, type DrizzleSession } from '@retail/data';

/**
 * The outbox relays, by the database they relay: one drizzle session per SQLite connection, shared by
 * the database and its transactions, so an append inside any transaction finds its relay.
 */
const relays = new WeakMap<DrizzleSession, Set<() => void>>();
/** Connections with a wake already queued: a transaction that appends many events wakes its relay once. */
const queued = new WeakSet<DrizzleSession>();

/**
 * Make `wake` run after each commit that wrote an outbox row on `db`'s connection; the returned function
 * undoes it (the relay calls it when it stops).
 */
export function registerRelay(db: object, wake: () => void): () => void {
  const session = sessionOf(db, 'startOutboxRelay');
  let wakes = relays.get(session);
  if (!wakes) {
    wakes = new Set();
    relays.set(session, wakes);
  }
  wakes.add(wake);
  return () => {
    wakes.delete(wake);
  };
}

/**
 * Called by an outbox append: wake the connection's relay once the transaction has committed.
 *
 * drizzle's better-sqlite3 transactions are synchronous (better-sqlite3 refuses a callback that returns
 * a promise), so no microtask can run while one is open: a microtask queued by the append runs after
 * the commit — or after the rollback, when the relay then finds nothing new to publish, which costs one
 * empty read and nothing else. (A transaction opened by hand with `BEGIN` and held across an `await`
 * would break this, and the relay's own timer, alike: nothing here does that.)
 */
export function wakeRelayAfterCommit(tx: object): void {
  const session = sessionOf(tx, 'appendToOutbox');
  if (queued.has(session) || !relays.get(session)?.size) return;
  queued.add(session);
  queueMicrotask(() => {
    queued.delete(session);
    for (const wake of relays.get(session) ?? []) wake();
  });
}
