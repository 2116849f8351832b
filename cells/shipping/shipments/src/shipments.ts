import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import { appendToOutbox, createEvent } from '@retail/events';
import { firstDelivery, mayView, placeholders, prepared, type Viewer, type Db } from '@retail/data';
import {
  SHIPMENT_TRANSITIONS,
  ShippingSubjects,
  shippingCell,
  type CreateShipmentCommand,
  type ListShipmentsQuery,
  type Shipment,
  type ShipmentPage,
  type ShipmentStatus,
} from '@retail/shipping-contract';
import { durableName } from '@retail/descriptor';
import { carrierFor, trackingNumberFor } from './carriers.ts';
import * as schema from './db/schema.ts';
import { CommandKeyReusedError, IllegalShipmentTransitionError, ShipmentNotFoundError } from './errors.ts';

export type ShipmentsDb = Db<typeof schema>;
type Row = typeof schema.shipments.$inferSelect;
type HistoryRow = typeof schema.shipmentHistory.$inferSelect;
type AnyTx = Pick<ShipmentsDb, 'select' | 'insert' | 'update'>;

/** Epoch milliseconds now; passed in so that tests (and the scheduler's tests) control time. */
export type Clock = () => number;

const SOURCE = '/cells/shipping/shipments';
/** A shipment's events come from here, addressed to the orders partition that owns its order. */
const origin = (row: { partition: string | null }) => ({ source: SOURCE, ...(row.partition ? { partition: row.partition } : {}) });
/** The inbox `consumer` of the internal commands: `<cell>-<core>`. */
export const COMMAND_CONSUMER = durableName(shippingCell, 'shipments');
/** The customer of a cancellation this cell records itself (fulfillment, on `orders.order.cancelled`): whoever's order it is. */
const ANY_CUSTOMER = '';
export const CommandNames = { create: 'create-shipment', cancel: 'cancel-shipment' } as const;

export interface ShipmentsOptions {
  clock?: Clock;
  /** Automatic dispatch this long after creation; 0 = off (operators dispatch). */
  autoDispatchAfterMs?: number;
  /** Automatic delivery this long after dispatch; 0 = off. */
  autoDeliverAfterMs?: number;
  /** Both delays, read at each shipment: a live configuration change applies to the next one. Instead of the two above. */
  delays?: AutoShippingDelays;
}

export interface AutoShippingDelays {
  autoDispatchAfterMs: number;
  autoDeliverAfterMs: number;
}

export interface TransitionOptions {
  /** Recorded in the history, e.g. `dispatched automatically`. */
  reason?: string;
}

/**
 * The shipment aggregate. Every change, its history entry, the event announcing it and (for commands)
 * the Idempotency-Key are one SQLite transaction: an event is never lost, never published for a change
 * that rolled back, and a repeated command does nothing.
 */
export interface Shipments {
  get(id: string, viewer: Viewer): Shipment;
  list(query: ListShipmentsQuery, viewer: Viewer): ShipmentPage;
  /** PENDING → DISPATCHED; 409 from any other status. */
  dispatch(id: string, options?: TransitionOptions): Shipment;
  /** DISPATCHED → DELIVERED; 409 from any other status. */
  deliver(id: string, options?: TransitionOptions): Shipment;
  /** One shipment per order: `created` is false when the order already has one (nothing new is written). */
  create(command: CreateShipmentCommand, idempotencyKey: string): { shipment: Shipment; created: boolean };
  /**
   * PENDING → CANCELLED; an already cancelled shipment is returned as it is; 409 once dispatched.
   * Undefined when the order has no shipment yet: the cancellation is remembered for when it comes.
   * With `customerId` (the orders cell asking for a customer), only that customer's shipment: another's
   * is undefined too and nothing changes, and a remembered cancellation holds only for their order.
   */
  cancelByOrder(orderId: string, idempotencyKey: string, customerId?: string): Shipment | undefined;
  /** Ids of shipments whose automatic dispatch / delivery is due at `now`, oldest due first. */
  dueForDispatch(now: number, limit: number): string[];
  dueForDelivery(now: number, limit: number): string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

function toShipment(row: Row, history: HistoryRow[]): Shipment {
  return {
    id: row.id,
    orderId: row.orderId,
    customerId: row.customerId,
    status: row.status,
    carrier: row.carrier,
    trackingNumber: row.trackingNumber,
    address: row.address,
    lines: row.lines,
    history: history.map((h) => (h.reason === null ? { status: h.status, at: h.at } : { status: h.status, at: h.at, reason: h.reason })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function createShipments(db: ShipmentsDb, options: ShipmentsOptions = {}): Shipments {
  const { clock = Date.now } = options;
  const delays = options.delays ?? {
    autoDispatchAfterMs: options.autoDispatchAfterMs ?? 0,
    autoDeliverAfterMs: options.autoDeliverAfterMs ?? 0,
  };
  const { shipments, shipmentHistory, inbox } = schema;

  const historyOf = (tx: Pick<ShipmentsDb, 'select'>, ids: string[]) => {
    if (ids.length === 0) return new Map<string, HistoryRow[]>();
    const rows = tx.select().from(shipmentHistory).where(inArray(shipmentHistory.shipmentId, ids)).orderBy(asc(shipmentHistory.id)).all();
    const byShipment = new Map<string, HistoryRow[]>();
    for (const row of rows) byShipment.set(row.shipmentId, [...(byShipment.get(row.shipmentId) ?? []), row]);
    return byShipment;
  };
  // What every shipment command runs, prepared once per database (see @retail/data's prepared).
  const historyOfOne = (tx: Pick<ShipmentsDb, 'select'>, shipmentId: string) =>
    prepared(tx, 'shipments.history', (d) =>
      d
        .select()
        .from(shipmentHistory)
        .where(eq(shipmentHistory.shipmentId, sql.placeholder('id')))
        .orderBy(asc(shipmentHistory.id))
        .prepare(),
    ).all({ id: shipmentId });
  const dto = (tx: Pick<ShipmentsDb, 'select'>, row: Row) => toShipment(row, historyOfOne(tx, row.id));

  const insertShipment = (tx: AnyTx) =>
    prepared(tx, 'shipments.insert', (d) =>
      d
        .insert(shipments)
        .values(
          placeholders(
            'id',
            'orderId',
            'customerId',
            'partition',
            'status',
            'carrier',
            'trackingNumber',
            'address',
            'lines',
            'dispatchDueAt',
            'deliverDueAt',
            'createdAt',
            'updatedAt',
          ),
        )
        .returning()
        .prepare(),
    );
  const byId = (tx: Pick<ShipmentsDb, 'select'>, id: string) =>
    prepared(tx, 'shipments.byId', (d) =>
      d
        .select()
        .from(shipments)
        .where(eq(shipments.id, sql.placeholder('id')))
        .prepare(),
    ).get({ id });
  const byOrder = (tx: Pick<ShipmentsDb, 'select'>, orderId: string) =>
    prepared(tx, 'shipments.byOrder', (d) =>
      d
        .select()
        .from(shipments)
        .where(eq(shipments.orderId, sql.placeholder('orderId')))
        .prepare(),
    ).get({ orderId });
  const visible = (row: Row | undefined, viewer: Viewer) => row && mayView(viewer, row.customerId);

  const recordHistory = (tx: AnyTx, shipmentId: string, status: ShipmentStatus, at: string, reason?: string) =>
    prepared(tx, 'shipments.recordHistory', (d) =>
      d
        .insert(shipmentHistory)
        .values(placeholders('shipmentId', 'status', 'at', 'reason'))
        .prepare(),
    ).run({ shipmentId, status, at, reason: reason ?? null });

  /** The state machine, in one place: refuses what SHIPMENT_TRANSITIONS does not allow. */
  const transition = (tx: AnyTx, row: Row, to: ShipmentStatus, changes: Partial<Row>, reason?: string): Row => {
    if (!SHIPMENT_TRANSITIONS[row.status].includes(to)) {
      throw new IllegalShipmentTransitionError(row, to);
    }
    const now = clock();
    const updated = tx
      .update(shipments)
      .set({ ...changes, status: to, updatedAt: iso(now) })
      .where(eq(shipments.id, row.id))
      .returning()
      .get();
    recordHistory(tx, row.id, to, iso(now), reason);
    return updated;
  };

  /** A command's Idempotency-Key seen before: the type it was used for, or undefined. */
  const seenCommand = (tx: Pick<ShipmentsDb, 'select'>, key: string) =>
    prepared(tx, 'shipments.seenCommand', (d) =>
      d
        .select()
        .from(inbox)
        .where(eq(inbox.eventId, sql.placeholder('key')))
        .prepare(),
    ).get({ key });
  const rememberCommand = (tx: AnyTx, key: string, type: string) =>
    firstDelivery(tx, { eventId: key, consumer: COMMAND_CONSUMER, type, receivedAt: clock() });
  const refuseReusedKey = (key: string, usedFor: string, expected: string) => {
    if (usedFor !== expected) throw new CommandKeyReusedError(key, usedFor);
  };

  const findOrThrow = (tx: Pick<ShipmentsDb, 'select'>, id: string) => {
    const row = byId(tx, id);
    if (!row) throw new ShipmentNotFoundError(id);
    return row;
  };

  return {
    get(id, viewer) {
      const row = byId(db, id);
      if (!visible(row, viewer)) throw new ShipmentNotFoundError(id);
      return dto(db, row!);
    },

    list(query, viewer) {
      const filters: SQL[] = [];
      if (!viewer.operator) filters.push(eq(shipments.customerId, viewer.customerId));
      if (query.orderId) filters.push(eq(shipments.orderId, query.orderId));
      if (query.status) filters.push(eq(shipments.status, query.status));
      const where = filters.length ? and(...filters) : undefined;
      const total = db.select({ n: count() }).from(shipments).where(where).get()?.n ?? 0;
      const rows = db
        .select()
        .from(shipments)
        .where(where)
        .orderBy(desc(shipments.createdAt), asc(shipments.id))
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize)
        .all();
      const history = historyOf(
        db,
        rows.map((r) => r.id),
      );
      return { items: rows.map((r) => toShipment(r, history.get(r.id) ?? [])), page: query.page, pageSize: query.pageSize, total };
    },

    dispatch(id, { reason } = {}) {
      return db.transaction((tx) => {
        const now = clock();
        const row = transition(
          tx,
          findOrThrow(tx, id),
          'DISPATCHED',
          { dispatchDueAt: null, deliverDueAt: delays.autoDeliverAfterMs > 0 ? now + delays.autoDeliverAfterMs : null },
          reason,
        );
        const data = {
          shipmentId: row.id,
          orderId: row.orderId,
          lines: row.lines,
          carrier: row.carrier,
          trackingNumber: row.trackingNumber,
        };
        appendToOutbox(tx, createEvent({ ...origin(row), type: ShippingSubjects.dispatched, subject: row.id, data }));
        return dto(tx, row);
      });
    },

    deliver(id, { reason } = {}) {
      return db.transaction((tx) => {
        const row = transition(tx, findOrThrow(tx, id), 'DELIVERED', { deliverDueAt: null }, reason);
        appendToOutbox(
          tx,
          createEvent({
            ...origin(row),
            type: ShippingSubjects.delivered,
            subject: row.id,
            data: { shipmentId: row.id, orderId: row.orderId },
          }),
        );
        return dto(tx, row);
      });
    },

    create(command, key) {
      return db.transaction((tx) => {
        const seen = seenCommand(tx, key);
        const existing = byOrder(tx, command.orderId);
        if (seen) {
          refuseReusedKey(key, seen.type, CommandNames.create);
          if (!existing) throw new CommandKeyReusedError(key, 'another order');
          return { shipment: dto(tx, existing), created: false };
        }
        rememberCommand(tx, key, CommandNames.create);
        if (existing) return { shipment: dto(tx, existing), created: false };

        const now = clock();
        const { orderCancellations } = schema;
        const cancelledFirst = tx
          .select()
          .from(orderCancellations)
          .where(
            and(
              eq(orderCancellations.orderId, command.orderId),
              inArray(orderCancellations.customerId, [ANY_CUSTOMER, command.customerId]),
            ),
          )
          .get();
        const carrier = carrierFor(command.orderId);
        const row = insertShipment(tx).get({
          id: randomUUID(),
          orderId: command.orderId,
          customerId: command.customerId,
          partition: command.partition,
          status: cancelledFirst ? 'CANCELLED' : 'PENDING',
          carrier,
          trackingNumber: trackingNumberFor(carrier),
          address: command.address,
          lines: command.lines,
          dispatchDueAt: delays.autoDispatchAfterMs > 0 && !cancelledFirst ? now + delays.autoDispatchAfterMs : null,
          deliverDueAt: null,
          createdAt: iso(now),
          updatedAt: iso(now),
        })!;
        if (cancelledFirst) {
          // Nothing was promised, so nothing to compensate; announced all the same, so that an order whose
          // cancel had this cancellation recorded and then did not reach the orders service follows it.
          recordHistory(tx, row.id, 'CANCELLED', iso(now), 'order was cancelled before this shipment was requested');
          appendToOutbox(
            tx,
            createEvent({
              ...origin(row),
              type: ShippingSubjects.cancelled,
              subject: row.id,
              data: { shipmentId: row.id, orderId: row.orderId },
            }),
          );
          return { shipment: dto(tx, row), created: false };
        }
        recordHistory(tx, row.id, 'PENDING', iso(now));
        const data = { shipmentId: row.id, orderId: row.orderId, carrier: row.carrier, trackingNumber: row.trackingNumber };
        appendToOutbox(tx, createEvent({ ...origin(row), type: ShippingSubjects.created, subject: row.id, data }));
        return { shipment: dto(tx, row), created: true };
      });
    },

    cancelByOrder(orderId, key, customerId) {
      return db.transaction((tx) => {
        const row = byOrder(tx, orderId);
        if (customerId !== undefined && row && row.customerId !== customerId) return undefined;
        const seen = seenCommand(tx, key);
        if (!row) {
          if (!seen) rememberCommand(tx, key, CommandNames.cancel);
          tx.insert(schema.orderCancellations)
            .values({ orderId, customerId: customerId ?? ANY_CUSTOMER, at: iso(clock()) })
            .onConflictDoNothing()
            .run();
          return undefined;
        }
        if (seen) {
          refuseReusedKey(key, seen.type, CommandNames.cancel);
          return dto(tx, row);
        }
        if (row.status === 'CANCELLED') {
          rememberCommand(tx, key, CommandNames.cancel);
          return dto(tx, row);
        }
        const cancelled = transition(tx, row, 'CANCELLED', { dispatchDueAt: null }, 'order cancelled');
        rememberCommand(tx, key, CommandNames.cancel);
        appendToOutbox(
          tx,
          createEvent({ ...origin(row), type: ShippingSubjects.cancelled, subject: row.id, data: { shipmentId: row.id, orderId } }),
        );
        return dto(tx, cancelled);
      });
    },

    dueForDispatch(now, limit) {
      return db
        .select({ id: shipments.id })
        .from(shipments)
        .where(and(eq(shipments.status, 'PENDING'), isNotNull(shipments.dispatchDueAt), lte(shipments.dispatchDueAt, now)))
        .orderBy(asc(shipments.dispatchDueAt))
        .limit(limit)
        .all()
        .map((r) => r.id);
    },

    dueForDelivery(now, limit) {
      return db
        .select({ id: shipments.id })
        .from(shipments)
        .where(and(eq(shipments.status, 'DISPATCHED'), isNotNull(shipments.deliverDueAt), lte(shipments.deliverDueAt, now)))
        .orderBy(asc(shipments.deliverDueAt))
        .limit(limit)
        .all()
        .map((r) => r.id);
    },
  };
}
