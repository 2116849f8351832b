import { HttpError } from '@retail/http-client';
import type { Logger } from '@retail/kernel';
import { placeByRule, type Drain, type Migration, type MigrationRequest } from '@retail/placement-contract';
import { PartitionDownError, PartitionNotFoundError } from '../errors.ts';
import type { Placements } from '../placements.ts';
import { AlreadyThereError, CustomerNotPlacedError, PartitionNotTakingError } from './errors.ts';
import type { MigrationStore, PlannedMove } from './migration-store.ts';
import type { PartitionClient } from './partition-client.ts';

export interface MigrationControllerOptions {
  store: MigrationStore;
  placements: Placements;
  partitions: PartitionClient;
  logger: Logger;
  /** Moves run at once, at most. */
  concurrency: number;
  /** How long a step before the flip may keep failing before the move is rolled back. */
  stepTimeoutMs: number;
  /** After the flip, how long the source keeps answering reads while the cell router catches up. */
  graceMs: number;
  /** A pause before each step (demonstrations, crash tests); 0 in production. */
  stepDelayMs?: number;
}

/** The settings a running controller takes (live configuration). */
export type MigrationSettings = Pick<MigrationControllerOptions, 'concurrency' | 'stepTimeoutMs' | 'graceMs' | 'stepDelayMs'>;

export interface MigrationController {
  /** Validates and records a move of one customer, then runs it in the background (202). */
  move(request: MigrationRequest): Promise<Migration>;
  /** Marks `partition` draining and records a move for every customer it serves or holds orders for. */
  drain(partition: string): Promise<Drain>;
  /** Marks a drained partition active again and cancels its moves not started yet. */
  undrain(partition: string): Drain;
  drainStatus(partition: string): Drain;
  /** Resumes every unfinished move (after a restart) and starts taking new ones. */
  start(): void;
  /** Applies changed settings to the moves from their next step on. */
  configure(settings: Partial<MigrationSettings>): void;
  /** Stops starting steps; a move half-way resumes at the next start. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** A refusal the partition will repeat however often it is asked (not 401: its trust may be catching up). */
const refused = (error: unknown) => error instanceof HttpError && error.status !== 401 && error.status < 500;

class Closing extends Error {}

/**
 * The migration controller (README, "Moving customers"): every move is a saga recorded step by step in
 * placement.db and driven through the partitions' gateways, each step idempotent on their side:
 *
 *  1. **freeze** the customer in the source: their writes answer 503 + Retry-After there, reads go on;
 *  2. **copy**: export their orders (history, idempotency keys, the keys of saga steps applied) from the
 *     source and import them into the target; the target's count must match;
 *  3. **flip** the placement map (a version, an event): the cell router sends the customer to the target;
 *  4. after a grace for the router's copy of the map, **release** the source: it forgets the customer,
 *     keeping a tombstone per order so that late saga events are handed over to the target.
 *
 * Before the flip, a step that keeps failing (the target down, say) for `stepTimeoutMs`, or is refused,
 * rolls the move back: unfreeze the source, discard what the target imported. After the flip, the move
 * only goes forward: the release is retried until the source answers.
 */
export function createMigrationController(options: MigrationControllerOptions): MigrationController {
  const { store, placements, partitions, logger } = options;
  const settings: Required<MigrationSettings> = {
    concurrency: options.concurrency,
    stepTimeoutMs: options.stepTimeoutMs,
    graceMs: options.graceMs,
    stepDelayMs: options.stepDelayMs ?? 0,
  };
  const running = new Set<string>();
  /** Moves before their flip: what `concurrency` bounds (a flipped move only waits out its grace, then releases). */
  const slots = new Set<string>();
  let closed = false;
  let started = false;
  const runs = new Set<Promise<void>>();

  const runningNames = () => placements.overview().cells.flatMap((c) => c.partitions.filter((p) => !p.retired).map((p) => p.name));
  /** The partitioned cell `partition` belongs to, with its partitions' states. */
  const cellOf = (partition: string) => {
    const found = placements.overview().cells.find((c) => c.partitions.some((p) => p.name === partition && !p.retired));
    if (!found) throw new PartitionNotFoundError(partition, runningNames());
    return found;
  };
  const partitionOf = (cell: string, name: string) => {
    const partition = cellOf(name).partitions.find((p) => p.name === name);
    if (cellOf(name).cell !== cell || !partition) throw new PartitionNotFoundError(name, runningNames());
    return partition;
  };

  /** The target must run, be active and answer. */
  const checkTarget = async (cell: string, to: string) => {
    const target = partitionOf(cell, to);
    if (target.state === 'down') throw new PartitionDownError(to);
    if (target.state === 'draining') throw new PartitionNotTakingError(to, 'it is draining');
    if (!(await partitions.answers(to))) throw new PartitionNotTakingError(to, 'its gateway does not answer');
  };

  /** Retries `action` until it succeeds; before the flip only until `deadline` (then the move is rolled back). */
  const persist = async <T>(migration: Migration, what: string, action: () => Promise<T>, deadline?: number): Promise<T | undefined> => {
    for (let attempt = 0; ; attempt++) {
      if (closed) throw new Closing();
      try {
        return await action();
      } catch (error) {
        if (deadline !== undefined && (refused(error) || Date.now() >= deadline)) throw error;
        // Undoing: a partition that refuses holds nothing of this move to undo (never frozen, never imported).
        if (migration.state === 'rolling-back' && refused(error)) {
          logger.warn({ err: error, migration: migration.id, step: what }, 'move: nothing to undo there');
          return undefined;
        }
        const wait = Math.min(200 * 2 ** attempt, 5_000);
        if (attempt === 0 || attempt % 10 === 0)
          logger.warn(
            { err: error, migration: migration.id, customerId: migration.customerId, step: what },
            'move: a step failed; retrying',
          );
        store.step(migration.id, migration.state, { reason: `${what}: ${describe(error)}` });
        await sleep(wait);
      }
    }
  };

  const pause = () => (settings.stepDelayMs > 0 ? sleep(settings.stepDelayMs) : Promise.resolve());

  /** One step from the state the move is in; returns the state it reached. */
  const stepOnce = async (m: Migration): Promise<Migration> => {
    const { id, cell, customerId, from, to } = m;
    const deadline = () => Date.parse(m.frozenAt ?? m.updatedAt) + settings.stepTimeoutMs;
    switch (m.state) {
      case 'pending': {
        const target = partitionOf(cell, to);
        // A freeze may have reached the source before a crash: undo it, as for any rollback.
        if (target.state === 'down') return store.step(id, 'rolling-back', { reason: `${to} is down` });
        await persist(m, 'freeze', () => partitions.freeze(from, customerId, id, to), Date.parse(m.updatedAt) + settings.stepTimeoutMs);
        return store.step(id, 'frozen', { frozenAt: new Date().toISOString(), reason: null });
      }
      case 'frozen': {
        const copied = await persist(
          m,
          'copy',
          async () => {
            const bundle = await partitions.exportCustomer(from, customerId, id);
            const held = await partitions.importCustomer(to, id, bundle);
            const history = bundle.orders.reduce((n, o) => n + o.history.length, 0);
            if (held.orders < bundle.orders.length || held.history < history)
              throw new Error(
                `${to} holds ${held.orders} orders and ${held.history} history entries of the ${bundle.orders.length} and ${history} sent`,
              );
            return bundle.orders.length;
          },
          deadline(),
        );
        return store.step(id, 'copied', { orders: copied ?? 0, reason: null });
      }
      case 'copied': {
        placements.reassign(cell, customerId, to, (tx) => store.step(id, 'flipped', { flippedAt: new Date().toISOString() }, tx));
        return store.get(id);
      }
      case 'flipped': {
        const wait = Date.parse(m.flippedAt!) + settings.graceMs - Date.now();
        if (wait > 0) await sleep(wait);
        await persist(m, 'release', () => partitions.release(from, customerId, id, to));
        return store.step(id, 'done', { reason: null });
      }
      case 'rolling-back': {
        await persist(m, 'unfreeze', () => partitions.unfreeze(from, customerId, id));
        await persist(m, 'discard', () => partitions.discard(to, customerId, id));
        return store.step(id, 'rolled-back');
      }
      default:
        return m;
    }
  };

  const run = async (first: Migration) => {
    let m = first;
    try {
      while (!closed && running.has(m.id) && !['done', 'rolled-back', 'cancelled'].includes(m.state)) {
        await pause();
        if (closed) return;
        try {
          m = await stepOnce(store.get(m.id));
          if (m.state === 'flipped' && slots.delete(m.id)) kick();
        } catch (error) {
          if (error instanceof Closing) return;
          if (m.state === 'flipped' || m.state === 'rolling-back') throw error;
          logger.warn({ err: error, migration: m.id, customerId: m.customerId, state: m.state }, 'move: rolling back');
          m = store.step(m.id, 'rolling-back', { reason: `${m.state}: ${describe(error)}` });
        }
      }
      if (m.state === 'done')
        logger.info({ migration: m.id, customerId: m.customerId, from: m.from, to: m.to, orders: m.orders }, 'customer moved');
      if (m.state === 'rolled-back') logger.warn({ migration: m.id, customerId: m.customerId, reason: m.reason }, 'move rolled back');
    } catch (error) {
      logger.error({ err: error, migration: m.id }, 'move stopped unexpectedly; it resumes at the next start');
    } finally {
      running.delete(m.id);
      slots.delete(m.id);
      kick();
    }
  };

  /** Start as many unfinished moves as there are free slots, oldest first. */
  function kick() {
    if (closed || !started) return;
    // The oldest first; those running are among them, so this many rows always hold the next to start.
    for (const m of store.unfinished(running.size + settings.concurrency)) {
      if (running.has(m.id)) continue;
      const needsSlot = m.state !== 'flipped';
      if (needsSlot && slots.size >= settings.concurrency) continue;
      if (needsSlot) slots.add(m.id);
      running.add(m.id);
      const done = run(m);
      runs.add(done);
      void done.finally(() => runs.delete(done));
    }
  }

  const drainStatus = (partition: string): Drain => {
    const { cell } = cellOf(partition);
    const status = store.drain(partition, placements.customersOf(partition).length);
    if (status) return status;
    return { cell, partition, state: 'undone', startedAt: new Date(0).toISOString(), finishedAt: null, migrations: {}, customersLeft: 0 };
  };

  return {
    async move(request) {
      const placed = placements.customer(request.cell, request.customerId);
      if (!placed.assigned) throw new CustomerNotPlacedError(request.customerId, placed.cell);
      if (placed.partition === request.partition) throw new AlreadyThereError(request.customerId, request.partition);
      await checkTarget(placed.cell, request.partition);
      const migration = store.create({ cell: placed.cell, customerId: request.customerId, from: placed.partition, to: request.partition });
      kick();
      return migration;
    },

    async drain(partition) {
      const { cell, partitions: all } = cellOf(partition);
      const active = all.filter((p) => p.state === 'active' && !p.retired && p.name !== partition);
      if (active.length === 0) throw new PartitionNotTakingError(partition, 'no other partition is active to take its customers');
      // Everyone it holds orders for, as well as everyone the map gives it: a drained partition holds no one's orders.
      const held = await partitions.held(partition).catch((error: unknown) => {
        throw new PartitionNotTakingError(partition, `it does not answer, so its customers' orders cannot be moved (${describe(error)})`);
      });
      placements.setPartitionState(partition, 'draining');
      const moves: PlannedMove[] = [];
      const customers = new Set([...placements.customersOf(partition), ...held.map((h) => h.customerId)]);
      for (const customerId of customers) {
        const placed = placements.customer(cell, customerId);
        const to = placed.assigned && placed.partition !== partition ? placed.partition : placeByRule(customerId, active)!;
        moves.push({ cell, customerId, from: partition, to });
      }
      const added = store.startDrain(cell, partition, moves);
      logger.info({ partition, customers: customers.size, moves: added }, 'draining partition');
      kick();
      return drainStatus(partition);
    },

    undrain(partition) {
      placements.setPartitionState(partition, 'active');
      const cancelled = store.undoDrain(partition);
      logger.info({ partition, cancelled }, 'partition active again');
      return drainStatus(partition);
    },

    drainStatus,

    start() {
      if (started) return;
      started = true;
      kick();
    },

    configure(changed) {
      Object.assign(settings, changed);
      kick();
    },

    async close() {
      closed = true;
      await Promise.allSettled([...runs]);
    },
  };
}
