import { z } from 'zod';
import { isPartitionName } from '@retail/descriptor';

/** `active`: serves its customers and takes new ones; `draining`: serves its customers, takes no new ones; `down`: out of service. */
export const partitionStateSchema = z.enum(['active', 'draining', 'down']);

/** How a customer came to their partition: the rule at first use, or an operator's explicit placement. */
export const placementSourceSchema = z.enum(['rule', 'override', 'migration']);

/** A customer is the `sub` of their token: `user-alice`, `user-<uuid>`. */
export const customerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][\w.:@-]{0,127}$/, 'customer id: 1–128 letters, digits and . _ : @ -, starting with a letter or digit');

export const partitionNameSchema = z.string().refine(isPartitionName, 'a partition name such as orders-2');

/** The name of a partitioned cell, e.g. `orders`. */
export const placedCellSchema = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a cell name such as orders');

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────

/** `PUT /cells/placement/partitions/{partition}` */
export const partitionStateChangeSchema = z.strictObject({ state: partitionStateSchema });

/** `PUT /cells/placement/{customerId}`: the partition this customer is served by from now on. */
export const placementOverrideSchema = z.strictObject({ partition: partitionNameSchema });

/** `GET /cells/placement/{customerId}?cell=`: which partitioned cell (the first of the system when omitted). */
export const customerPlacementQuerySchema = z.strictObject({ cell: placedCellSchema.optional() });

/** `POST /placement/assignments`: the cell router asking for a new customer's partition. */
export const assignmentRequestSchema = z.strictObject({ cell: placedCellSchema, customerId: customerIdSchema });

// ── Answers ──────────────────────────────────────────────────────────────────────────────────────

/** The map's version: increases with every change (assignment, override, state change) and survives restarts. */
const versionSchema = z.number().int().nonnegative();

export const partitionSchema = z.object({
  cell: placedCellSchema,
  name: partitionNameSchema,
  state: partitionStateSchema,
  updatedAt: z.iso.datetime(),
});

export const customerPlacementSchema = z.object({
  customerId: customerIdSchema,
  cell: placedCellSchema,
  partition: partitionNameSchema,
  /** The state of that partition. */
  state: partitionStateSchema,
  /** false: not recorded yet; `partition` is what the rule would choose now. */
  assigned: z.boolean(),
  source: placementSourceSchema.nullable(),
  assignedAt: z.iso.datetime().nullable(),
});

/** `GET /cells/placement`: the operator's view. */
export const placementOverviewSchema = z.object({
  version: versionSchema,
  cells: z.array(
    z.object({
      cell: placedCellSchema,
      key: z.literal('customer'),
      partitions: z.array(
        z.object({
          name: partitionNameSchema,
          state: partitionStateSchema,
          /** How many customers are assigned there. */
          customers: z.number().int().nonnegative(),
          /** In the database but no longer run by the system: the rule offers it to no one. */
          retired: z.boolean(),
        }),
      ),
    }),
  ),
});

/** `GET /placement/map`: everything the cell router needs, with `ETag: "<version>"`. */
export const placementMapSchema = z.object({
  version: versionSchema,
  cells: z.array(
    z.object({
      cell: placedCellSchema,
      /** The partitions the system runs, with their state: `placeByRule` over them is the core's answer. */
      partitions: z.array(z.object({ name: partitionNameSchema, state: partitionStateSchema })),
      /** customerId → partition, for every recorded customer. */
      assignments: z.record(z.string(), partitionNameSchema),
    }),
  ),
});

// ── Events ───────────────────────────────────────────────────────────────────────────────────────

export const customerAssignedEventSchema = z.object({
  cell: placedCellSchema,
  customerId: customerIdSchema,
  partition: partitionNameSchema,
  source: placementSourceSchema,
  /** The partition the customer had before an override; null for a first placement. */
  previous: partitionNameSchema.nullable(),
  assignedAt: z.iso.datetime(),
  /** The map's version with this change in it. */
  version: versionSchema,
});

export const partitionChangedEventSchema = z.object({
  cell: placedCellSchema,
  partition: partitionNameSchema,
  state: partitionStateSchema,
  /** null when the partition has just joined the map. */
  previous: partitionStateSchema.nullable(),
  changedAt: z.iso.datetime(),
  version: versionSchema,
});

export type PartitionState = z.infer<typeof partitionStateSchema>;
export type PlacementSource = z.infer<typeof placementSourceSchema>;
export type PartitionStateChange = z.infer<typeof partitionStateChangeSchema>;
export type PlacementOverride = z.infer<typeof placementOverrideSchema>;
export type AssignmentRequest = z.infer<typeof assignmentRequestSchema>;
export type Partition = z.infer<typeof partitionSchema>;
export type CustomerPlacement = z.infer<typeof customerPlacementSchema>;
export type PlacementOverview = z.infer<typeof placementOverviewSchema>;
export type PlacementMap = z.infer<typeof placementMapSchema>;
export type CustomerAssignedEvent = z.infer<typeof customerAssignedEventSchema>;
export type PartitionChangedEvent = z.infer<typeof partitionChangedEventSchema>;
