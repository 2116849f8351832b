import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, gte, or, sql, type SQL } from 'drizzle-orm';
import {
  FINISHED_MIGRATION_STATES,
  type Drain,
  type Migration,
  type MigrationListQuery,
  type MigrationState,
} from '@retail/placement-contract';
import * as schema from '../db/schema.ts';
import type { PlacementsDb, Writer } from '../placements.ts';
import { MigrationInProgressError, MigrationNotFoundError } from './errors.ts';

type MigrationRow = typeof schema.migrations.$inferSelect;

/** A move to record: who, from where, to where, and the drain it belongs to. */
export interface PlannedMove {
  cell: string;
  customerId: string;
  from: string;
  to: string;
  drain?: string;
}

/** What a step records besides the state it reached. */
type StepFacts = Partial<Pick<Migration, 'reason' | 'orders' | 'frozenAt' | 'flippedAt'>>;

/**
 * The record of every move (placement.db): one row per move, updated as it reaches each step, so that a
 * restarted controller resumes each unfinished move where it was. A customer has at most one unfinished
 * move (a unique index over the unfinished ones), so a second is refused (409) however it is asked.
 */
export interface MigrationStore {
  /** Records a new move, `pending`; 409 while the customer has an unfinished one. */
  create(move: PlannedMove): Migration;
  get(id: string): Migration;
  list(query: MigrationListQuery): Migration[];
  /** Unfinished moves, oldest first (the first `limit`): what the controller works through. */
  unfinished(limit?: number): Migration[];
  /** The move reached `state`; a finished state releases the customer. `tx`: inside the caller's transaction. */
  step(id: string, state: MigrationState, facts?: StepFacts, tx?: Writer): Migration;
  /** Records a drain of `partition` and a pending move for every one of `moves` whose customer is free; returns how many it added. */
  startDrain(cell: string, partition: string, moves: readonly PlannedMove[]): number;
  /** Undrain: the drain is undone and its moves not started yet are cancelled; returns how many were. */
  undoDrain(partition: string): number;
  /** Where the drain of `partition` stands, or undefined when it was never drained. */
  drain(partition: string, customersLeft: number): Drain | undefined;
}

const toMigration = (row: MigrationRow): Migration => ({
  id: row.id,
  cell: row.cell,
  customerId: row.customerId,
  from: row.from,
  to: row.to,
  state: row.state,
  reason: row.reason,
  drain: row.drain,
  orders: row.orders,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  frozenAt: row.frozenAt,
  flippedAt: row.flippedAt,
  finishedAt: row.finishedAt,
});

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export function createMigrationStore(db: PlacementsDb): MigrationStore {
  const byId = (tx: Pick<PlacementsDb, 'select'>, id: string) =>
    tx.select().from(schema.migrations).where(eq(schema.migrations.id, id)).get();
  const activeFor = (tx: Pick<PlacementsDb, 'select'>, cell: string, customerId: string) =>
    tx
      .select()
      .from(schema.migrations)
      .where(and(eq(schema.migrations.cell, cell), eq(schema.migrations.customerId, customerId), eq(schema.migrations.active, 1)))
      .get();

  const insert = (tx: Writer, move: PlannedMove) => {
    const now = new Date().toISOString();
    return tx
      .insert(schema.migrations)
      .values({ id: randomUUID(), ...move, drain: move.drain ?? null, state: 'pending', createdAt: now, updatedAt: now, active: 1 })
      .returning()
      .get();
  };

  return {
    create(move) {
      try {
        return toMigration(db.transaction((tx) => insert(tx, move)));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new MigrationInProgressError(move.customerId, activeFor(db, move.cell, move.customerId)?.id);
      }
    },

    get(id) {
      const row = byId(db, id);
      if (!row) throw new MigrationNotFoundError(id);
      return toMigration(row);
    },

    list(query) {
      const where: (SQL | undefined)[] = [
        query.state ? eq(schema.migrations.state, query.state) : undefined,
        query.drain ? eq(schema.migrations.drain, query.drain) : undefined,
        query.partition ? or(eq(schema.migrations.from, query.partition), eq(schema.migrations.to, query.partition)) : undefined,
      ];
      return db
        .select()
        .from(schema.migrations)
        .where(and(...where))
        .orderBy(desc(schema.migrations.createdAt))
        .limit(query.limit)
        .all()
        .map(toMigration);
    },

    unfinished() {
      return db
        .select()
        .from(schema.migrations)
        .where(eq(schema.migrations.active, 1))
        .orderBy(schema.migrations.createdAt, sql`rowid`)
        .all()
        .map(toMigration);
    },

    step(id, state, facts = {}, tx) {
      const now = new Date().toISOString();
      const finished = FINISHED_MIGRATION_STATES.includes(state);
      const row = (tx ?? db)
        .update(schema.migrations)
        .set({ ...facts, state, updatedAt: now, ...(finished ? { active: 0, finishedAt: now } : {}) })
        .where(eq(schema.migrations.id, id))
        .returning()
        .get();
      if (!row) throw new MigrationNotFoundError(id);
      return toMigration(row);
    },

    startDrain(cell, partition, moves) {
      return db.transaction((tx) => {
        const startedAt = new Date().toISOString();
        tx.insert(schema.drains)
          .values({ partition, cell, state: 'running', startedAt })
          .onConflictDoUpdate({ target: schema.drains.partition, set: { state: 'running', startedAt, finishedAt: null } })
          .run();
        let added = 0;
        for (const move of moves) {
          if (activeFor(tx, move.cell, move.customerId)) continue;
          insert(tx, { ...move, drain: partition });
          added++;
        }
        return added;
      });
    },

    undoDrain(partition) {
      return db.transaction((tx) => {
        const now = new Date().toISOString();
        tx.update(schema.drains).set({ state: 'undone', finishedAt: now }).where(eq(schema.drains.partition, partition)).run();
        return tx
          .update(schema.migrations)
          .set({ state: 'cancelled', reason: `the drain of ${partition} was undone`, active: 0, updatedAt: now, finishedAt: now })
          .where(and(eq(schema.migrations.drain, partition), eq(schema.migrations.state, 'pending')))
          .returning({ id: schema.migrations.id })
          .all().length;
      });
    },

    drain(partition, customersLeft) {
      const row = db.select().from(schema.drains).where(eq(schema.drains.partition, partition)).get();
      if (!row) return undefined;
      const counts = db
        .select({ state: schema.migrations.state, n: count() })
        .from(schema.migrations)
        .where(and(eq(schema.migrations.drain, partition), gte(schema.migrations.createdAt, row.startedAt)))
        .groupBy(schema.migrations.state)
        .all();
      const migrations = Object.fromEntries(counts.map((c) => [c.state, c.n])) as Drain['migrations'];
      const open = counts.some((c) => !FINISHED_MIGRATION_STATES.includes(c.state) && c.n > 0);
      let { state, finishedAt } = row;
      if (state === 'running' && !open) {
        finishedAt = new Date().toISOString();
        state = 'done';
        db.update(schema.drains).set({ state, finishedAt }).where(eq(schema.drains.partition, partition)).run();
      }
      return { cell: row.cell, partition, state, startedAt: row.startedAt, finishedAt, migrations, customersLeft };
    },
  };
}
