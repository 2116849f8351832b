import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@retail/data';
import { appendToOutbox, createEvent, type EventOrigin } from '@retail/events';
import {
  placeByRule,
  PlacementSubjects,
  type CustomerAssignedEvent,
  type CustomerPlacement,
  type Partition,
  type PartitionChangedEvent,
  type PartitionState,
  type PlacementMap,
  type PlacementOverview,
} from '@retail/placement-contract';
import * as schema from './db/schema.ts';
import {
  CustomerServedElsewhereError,
  NoActivePartitionError,
  PartitionDownError,
  PartitionNotFoundError,
  UnknownCellError,
} from './errors.ts';
import type { PartitionedCell } from './system.ts';

export type PlacementsDb = Db<typeof schema>;
type Reader = Pick<PlacementsDb, 'select'>;
export type Writer = Tx<typeof schema>;
type PartitionRow = typeof schema.partitions.$inferSelect;
type AssignmentRow = typeof schema.assignments.$inferSelect;

/**
 * The placement map of the partitioned cells (README.md, "Two kinds of cells"): which partition serves each customer, and
 * each partition's state. A customer's partition is recorded at first use, so that adding partitions or
 * taking one down never moves anyone silently. Every change bumps the map's version and appends its event
 * in one SQLite transaction (transactional outbox).
 */
export interface Placements {
  /** Makes every partition of the running system a row (`active`); returns the names it added. */
  ensurePartitions(): string[];
  /** Every partitioned cell's partitions with their state and how many customers each holds. */
  overview(): PlacementOverview;
  /** The customer's recorded partition, or the one the rule would choose now (`assigned: false`). */
  customer(cell: string | undefined, customerId: string): CustomerPlacement;
  /** Records a customer's partition by the rule, once: an existing one is returned unchanged (`created: false`). */
  assign(cell: string, customerId: string): { placement: CustomerPlacement; created: boolean };
  /** Places a customer not placed yet on a partition explicitly, whatever the rule says; never on a `down` one (a placed one moves with `POST /cells/migrations`). */
  override(customerId: string, partition: string): CustomerPlacement;
  setPartitionState(partition: string, state: PartitionState): Partition;
  /**
   * The flip of a move: the customer's partition becomes `partition` (source `migration`), with its event
   * and version, and `alongside` writes the move's own record in the same transaction.
   */
  reassign(cell: string, customerId: string, partition: string, alongside: (tx: Writer) => void): CustomerPlacement;
  /** The customers the map gives `partition`. */
  customersOf(partition: string): string[];
  /** The whole map, for the cell router. */
  map(): PlacementMap;
  /** The map's version: it increases with every change and survives restarts. */
  version(): number;
}

export interface PlacementsOptions {
  /** The partitioned cells of the running system (`partitionedCells`). */
  cells: readonly PartitionedCell[];
  /** Who publishes the events (`eventOrigin`). */
  origin: EventOrigin;
}

export function createPlacements(db: PlacementsDb, options: PlacementsOptions): Placements {
  const running = new Map(options.cells.map((c) => [c.cell, c]));
  const cellOfPartition = new Map(options.cells.flatMap((c) => c.partitions.map((p) => [p, c.cell] as const)));
  const runningPartitions = [...cellOfPartition.keys()];

  const knownCell = (cell: string | undefined): PartitionedCell => {
    const found = running.get(cell ?? options.cells[0]?.cell ?? '');
    if (!found) throw new UnknownCellError(cell, [...running.keys()]);
    return found;
  };

  const version = (tx: Reader) => tx.select().from(schema.mapVersion).get()?.version ?? 0;
  const bumpVersion = (tx: Writer) =>
    tx
      .insert(schema.mapVersion)
      .values({ id: 1, version: 1 })
      .onConflictDoUpdate({ target: schema.mapVersion.id, set: { version: sql`${schema.mapVersion.version} + 1` } })
      .returning()
      .get().version;

  const partitionRow = (tx: Reader, name: string) => tx.select().from(schema.partitions).where(eq(schema.partitions.name, name)).get();
  const partitionsOf = (tx: Reader, cell: string) =>
    tx.select().from(schema.partitions).where(eq(schema.partitions.cell, cell)).orderBy(asc(schema.partitions.name)).all();
  /** The partitions the rule may offer: the cell's rows that the running system still runs. */
  const livePartitions = (tx: Reader, cell: string) => partitionsOf(tx, cell).filter((p) => cellOfPartition.has(p.name));
  const assignmentOf = (tx: Reader, cell: string, customerId: string) =>
    tx
      .select()
      .from(schema.assignments)
      .where(and(eq(schema.assignments.cell, cell), eq(schema.assignments.customerId, customerId)))
      .get();

  const announce = (tx: Writer, type: string, subject: string, data: CustomerAssignedEvent | PartitionChangedEvent) =>
    appendToOutbox(tx, createEvent({ ...options.origin, type, subject, data }));

  const recorded = (tx: Reader, row: AssignmentRow): CustomerPlacement => ({
    customerId: row.customerId,
    cell: row.cell,
    partition: row.partition,
    // The foreign key keeps every assignment's partition in the table.
    state: partitionRow(tx, row.partition)!.state,
    assigned: true,
    source: row.source,
    assignedAt: row.assignedAt,
  });

  const ruled = (tx: Reader, cell: string, customerId: string): string => {
    const partition = placeByRule(customerId, livePartitions(tx, cell));
    if (!partition) throw new NoActivePartitionError(cell);
    return partition;
  };

  const partitionView = (row: PartitionRow): Partition => ({ cell: row.cell, name: row.name, state: row.state, updatedAt: row.updatedAt });

  const existingPartition = (tx: Reader, name: string): PartitionRow => {
    const row = cellOfPartition.has(name) ? partitionRow(tx, name) : undefined;
    if (!row) throw new PartitionNotFoundError(name, runningPartitions);
    return row;
  };

  let cachedMap: PlacementMap | undefined;

  return {
    ensurePartitions() {
      return db.transaction((tx) => {
        const added: string[] = [];
        for (const { cell, partitions } of options.cells) {
          for (const name of partitions) {
            if (partitionRow(tx, name)) continue;
            const now = new Date().toISOString();
            tx.insert(schema.partitions).values({ name, cell, state: 'active', updatedAt: now }).run();
            const data = { cell, partition: name, state: 'active' as const, previous: null, changedAt: now, version: bumpVersion(tx) };
            announce(tx, PlacementSubjects.partitionChanged, name, data);
            added.push(name);
          }
        }
        return added;
      });
    },

    overview() {
      return db.transaction((tx) => {
        const customers = new Map(
          tx
            .select({ partition: schema.assignments.partition, customers: count() })
            .from(schema.assignments)
            .groupBy(schema.assignments.partition)
            .all()
            .map((r) => [r.partition, r.customers]),
        );
        // The running system's cells first; a cell it no longer runs partitioned still shows what it holds.
        const cells = new Map(options.cells.map((c) => [c.cell, c.key]));
        const stored = tx
          .selectDistinct({ cell: schema.partitions.cell })
          .from(schema.partitions)
          .orderBy(asc(schema.partitions.cell))
          .all();
        for (const { cell } of stored) if (!cells.has(cell)) cells.set(cell, 'customer');
        return {
          version: version(tx),
          cells: [...cells].map(([cell, key]) => ({
            cell,
            key,
            partitions: partitionsOf(tx, cell).map((p) => ({
              name: p.name,
              state: p.state,
              customers: customers.get(p.name) ?? 0,
              retired: !cellOfPartition.has(p.name),
            })),
          })),
        };
      });
    },

    customer(cellName, customerId) {
      const { cell } = knownCell(cellName);
      const row = assignmentOf(db, cell, customerId);
      if (row) return recorded(db, row);
      const partition = ruled(db, cell, customerId);
      return { customerId, cell, partition, state: 'active', assigned: false, source: null, assignedAt: null };
    },

    assign(cellName, customerId) {
      const { cell } = knownCell(cellName);
      return db.transaction((tx) => {
        const existing = assignmentOf(tx, cell, customerId);
        if (existing) return { placement: recorded(tx, existing), created: false };
        const partition = ruled(tx, cell, customerId);
        const assignedAt = new Date().toISOString();
        const row = tx.insert(schema.assignments).values({ cell, customerId, partition, source: 'rule', assignedAt }).returning().get();
        const data = { cell, customerId, partition, source: 'rule' as const, previous: null, assignedAt, version: bumpVersion(tx) };
        announce(tx, PlacementSubjects.customerAssigned, customerId, data);
        return { placement: recorded(tx, row), created: true };
      });
    },

    override(customerId, partition) {
      return db.transaction((tx) => {
        const target = existingPartition(tx, partition);
        if (target.state === 'down') throw new PartitionDownError(partition);
        const { cell } = target;
        const existing = assignmentOf(tx, cell, customerId);
        if (existing?.partition === partition && existing.source === 'override') return recorded(tx, existing);
        // Their orders are there: only a move takes them along (POST /cells/migrations).
        if (existing && existing.partition !== partition) throw new CustomerServedElsewhereError(customerId, existing.partition);
        const assignedAt = new Date().toISOString();
        const row = tx
          .insert(schema.assignments)
          .values({ cell, customerId, partition, source: 'override', assignedAt })
          .onConflictDoUpdate({
            target: [schema.assignments.cell, schema.assignments.customerId],
            set: { partition, source: 'override', assignedAt },
          })
          .returning()
          .get();
        const previous = existing?.partition ?? null;
        const data = { cell, customerId, partition, source: 'override' as const, previous, assignedAt, version: bumpVersion(tx) };
        announce(tx, PlacementSubjects.customerAssigned, customerId, data);
        return recorded(tx, row);
      });
    },

    setPartitionState(partition, state) {
      return db.transaction((tx) => {
        const current = existingPartition(tx, partition);
        if (current.state === state) return partitionView(current);
        const changedAt = new Date().toISOString();
        const row = tx
          .update(schema.partitions)
          .set({ state, updatedAt: changedAt })
          .where(eq(schema.partitions.name, partition))
          .returning()
          .get();
        const data = { cell: row.cell, partition, state, previous: current.state, changedAt, version: bumpVersion(tx) };
        announce(tx, PlacementSubjects.partitionChanged, partition, data);
        return partitionView(row);
      });
    },

    reassign(cell, customerId, partition, alongside) {
      return db.transaction((tx) => {
        const existing = assignmentOf(tx, cell, customerId);
        const assignedAt = new Date().toISOString();
        const row = tx
          .insert(schema.assignments)
          .values({ cell, customerId, partition, source: 'migration', assignedAt })
          .onConflictDoUpdate({
            target: [schema.assignments.cell, schema.assignments.customerId],
            set: { partition, source: 'migration', assignedAt },
          })
          .returning()
          .get();
        const previous = existing?.partition ?? null;
        const data = { cell, customerId, partition, source: 'migration' as const, previous, assignedAt, version: bumpVersion(tx) };
        announce(tx, PlacementSubjects.customerAssigned, customerId, data);
        alongside(tx);
        return recorded(tx, row);
      });
    },

    customersOf(partition) {
      return db
        .select({ customerId: schema.assignments.customerId })
        .from(schema.assignments)
        .where(eq(schema.assignments.partition, partition))
        .all()
        .map((r) => r.customerId);
    },

    map() {
      return db.transaction((tx) => {
        const current = version(tx);
        if (cachedMap?.version === current) return cachedMap;
        cachedMap = {
          version: current,
          cells: options.cells.map(({ cell }) => ({
            cell,
            partitions: livePartitions(tx, cell).map((p) => ({ name: p.name, state: p.state })),
            assignments: Object.fromEntries(
              tx
                .select({ customerId: schema.assignments.customerId, partition: schema.assignments.partition })
                .from(schema.assignments)
                .where(eq(schema.assignments.cell, cell))
                .all()
                .map((r) => [r.customerId, r.partition]),
            ),
          })),
        };
        return cachedMap;
      });
    },

    version: () => version(db),
  };
}
