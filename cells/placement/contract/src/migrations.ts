import { z } from 'zod';
import { customerIdSchema, partitionNameSchema, placedCellSchema } from './schemas.ts';

/**
 * Moving customers between partitions (README, "Moving customers"): each move is a saga of its own,
 * recorded step by step in the placement cell, which drives it through the partitions' gateways.
 *
 *   pending ─► frozen ─► copied ─► flipped ─► done
 *      │         │          │
 *      └─────────┴──────────┴─► rolling-back ─► rolled-back      (pending moves of an undone drain: cancelled)
 */
export const MIGRATION_STATES = ['pending', 'frozen', 'copied', 'flipped', 'done', 'rolling-back', 'rolled-back', 'cancelled'] as const;
export const migrationStateSchema = z.enum(MIGRATION_STATES);
/** A move in one of these states is over; any other state holds the customer (a second move is refused). */
export const FINISHED_MIGRATION_STATES: readonly MigrationState[] = ['done', 'rolled-back', 'cancelled'];

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────

/** `POST /cells/migrations`: move one customer to a partition. */
export const migrationRequestSchema = z.strictObject({
  customerId: customerIdSchema,
  partition: partitionNameSchema,
  /** The partitioned cell (the system's first when omitted). */
  cell: placedCellSchema.optional(),
});

/** `GET /cells/migrations?state=&partition=&drain=&limit=` */
export const migrationListQuerySchema = z.strictObject({
  state: migrationStateSchema.optional(),
  /** Moves from or to this partition. */
  partition: partitionNameSchema.optional(),
  /** The moves of one drain (its partition's name). */
  drain: partitionNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

// ── Answers ──────────────────────────────────────────────────────────────────────────────────────

export const migrationSchema = z.object({
  id: z.uuid(),
  cell: placedCellSchema,
  customerId: customerIdSchema,
  from: partitionNameSchema,
  to: partitionNameSchema,
  state: migrationStateSchema,
  /** Why it was rolled back or cancelled, or what the step it waits on last failed with. */
  reason: z.string().nullable(),
  /** The partition whose drain started it, or null for a single move. */
  drain: partitionNameSchema.nullable(),
  /** Orders moved (known once copied). */
  orders: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** When the customer's writes were paused in the source partition, and when the map sent them to the target. */
  frozenAt: z.iso.datetime().nullable(),
  flippedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});

/** `GET /cells/migrations`: newest first. */
export const migrationListSchema = z.object({ items: z.array(migrationSchema) });

/** `POST /cells/placement/partitions/{name}/drain` and `GET …/drain`: where a drain stands. */
export const drainSchema = z.object({
  cell: placedCellSchema,
  partition: partitionNameSchema,
  /** `running` until every move of it is over; `done` then; `undone` after an undrain. */
  state: z.enum(['running', 'done', 'undone']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  /** Its moves by state. */
  migrations: z.partialRecord(migrationStateSchema, z.number().int()),
  /** Customers the placement map still gives this partition. */
  customersLeft: z.number().int(),
});

export type MigrationState = z.infer<typeof migrationStateSchema>;
export type MigrationRequest = z.infer<typeof migrationRequestSchema>;
export type MigrationListQuery = z.infer<typeof migrationListQuerySchema>;
export type Migration = z.infer<typeof migrationSchema>;
export type Drain = z.infer<typeof drainSchema>;
