import { z } from 'zod';
import { currencySchema } from '@retail/products-contract';
import { addressSchema, idempotencyKeySchema, orderLineSchema, orderStatusSchema } from './schemas.ts';

/**
 * Moving a customer between partitions (README, "Moving customers between partitions"). The placement
 * cell's migration controller drives each move through the partitions' gateways with its
 * client-credentials token (scope `orders:migrate`); a partition hands an event about an order that has
 * moved on to the partition now holding it (scope `orders:handover`, the partitions' own clients).
 */
export const MigrationScopes = {
  /** The migration controller (the placement cell): freeze, export, import, release a customer. */
  migrate: 'orders:migrate',
  /** Another partition of the orders cell: apply a saga step to an order that moved here. */
  handover: 'orders:handover',
} as const;

/** The largest import, all of one customer's orders: the gateway and the core accept this much on that route alone. */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

/** A customer id as the orders cell stores it (the `sub` of their token). */
export const migratingCustomerSchema = z.string().regex(/^[A-Za-z0-9][\w.:@-]{0,127}$/, 'customer id: 1–128 letters, digits and . _ : @ -');
/** The controller's id of one move: a UUID. */
export const migrationIdSchema = z.uuid();
const partitionSchema = z.string().regex(/^[a-z][a-z0-9]*-[1-9]$/, 'a partition name such as orders-2');

/** `POST /migration/customers/{customerId}/freeze`, `/release`: which move, and where the customer goes. */
export const moveCommandSchema = z.strictObject({ migrationId: migrationIdSchema, to: partitionSchema });
/** `POST /migration/customers/{customerId}/unfreeze` and `/discard`: which move is undone. */
export const undoMoveCommandSchema = z.strictObject({ migrationId: migrationIdSchema });
/** `GET /migration/customers/{customerId}?migrationId=`: the export of a frozen customer. */
export const exportQuerySchema = z.strictObject({ migrationId: migrationIdSchema });

/** One order as it moves: every column, and its history with the key of the event behind each step. */
export const movingOrderSchema = z.strictObject({
  id: z.uuid(),
  customerId: migratingCustomerSchema,
  status: orderStatusSchema,
  lines: z.array(orderLineSchema.strict()).min(1).max(50),
  total: z.number().int().min(0),
  currency: currencySchema,
  shippingAddress: addressSchema,
  idempotencyKey: idempotencyKeySchema,
  requestHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  history: z
    .array(
      z.strictObject({
        status: orderStatusSchema,
        at: z.iso.datetime(),
        reason: z.string().max(500).nullable(),
        /** The Idempotency-Key (event id) of the saga step that made it; null for the customer's own acts. */
        key: idempotencyKeySchema.nullable(),
      }),
    )
    .min(1),
});

/** What leaves one partition for another: all of a customer's orders, as of the freeze. */
export const customerBundleSchema = z.strictObject({
  customerId: migratingCustomerSchema,
  /** The partition it left. */
  from: partitionSchema,
  orders: z.array(movingOrderSchema).max(100_000),
});

/** `PUT /migration/customers/{customerId}`: store what the customer had in another partition. */
export const importCommandSchema = z.strictObject({ migrationId: migrationIdSchema, bundle: customerBundleSchema });

/** Every answer of the migration routes: where the customer stands in this partition. */
export const customerHoldingSchema = z.object({
  customerId: z.string(),
  /** `serving`: no move under way; `leaving`: frozen for a move; `gone`: moved away; `arriving`: imported, not yet served. */
  state: z.enum(['serving', 'leaving', 'gone', 'arriving']),
  /** Orders held here for the customer. */
  orders: z.number().int(),
  /** History entries held here for those orders. */
  history: z.number().int(),
  migrationId: z.string().nullable(),
  /** Where a `gone` customer went (or a `leaving` one goes). */
  partition: z.string().nullable(),
});

/** `GET /migration/customers`: every customer this partition holds orders for. */
export const heldCustomersSchema = z.object({ customers: z.array(z.object({ customerId: z.string(), orders: z.number().int() })) });

export type MoveCommand = z.infer<typeof moveCommandSchema>;
export type UndoMoveCommand = z.infer<typeof undoMoveCommandSchema>;
export type MovingOrder = z.infer<typeof movingOrderSchema>;
export type CustomerBundle = z.infer<typeof customerBundleSchema>;
export type ImportCommand = z.infer<typeof importCommandSchema>;
export type CustomerHolding = z.infer<typeof customerHoldingSchema>;
export type HeldCustomers = z.infer<typeof heldCustomersSchema>;
