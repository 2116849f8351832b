import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { firstDelivery, mayView, placeholders, prepared, type Viewer } from '@retail/data';
import { appendToOutbox, createEvent, eventOrigin, type EventOrigin } from '@retail/events';
import {
  OrderSubjects,
  canTransition,
  ordersCell,
  type CreateOrderCommand,
  type ListOrdersQuery,
  type Order,
  type OrderPage,
  type OrderStatus,
  type OrderTransitionCommand,
} from '@retail/orders-contract';
import { durableName, runningCell } from '@retail/descriptor';
import * as schema from './db/schema.ts';
import { IdempotencyKeyReusedError, IllegalTransitionError, OrderNotFoundError } from './errors.ts';
import { assertListable, assertServed, missingForSaga, missingForViewer } from './moves.ts';
import { priceLines } from './prices.ts';
import { recordHistory, recordStatus, transition, type OrderRow, type OrdersDb, type OrdersTx } from './transition.ts';

/** Where its events come from: `/cells/orders-2/orders`, in partition `orders-2` (see `eventOrigin`). */
const DEFAULT_ORIGIN: EventOrigin = eventOrigin(runningCell(ordersCell), 'orders');
/** Who records the Idempotency-Keys of commands in the inbox. */
const INBOX_CONSUMER = durableName(ordersCell, 'orders');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The order aggregate. Each change, its history entry and the event announcing it are one SQLite
 * transaction (transactional outbox); every status change goes through `transition`.
 */
export interface OrderBook {
  /**
   * 404 when the order does not exist or is another customer's (never 403: that would reveal it exists);
   * 503 (Retry-After: 1) to its customer or an operator when it moved to another partition.
   */
  get(id: string, viewer: Viewer): Order;
  /** The customer's own orders, newest first; 503 (Retry-After: 1) once the customer has moved away. */
  list(customerId: string, query: ListOrdersQuery): OrderPage;
  /**
   * PENDING | CONFIRMED → CANCELLED; an order already cancelled is answered as it is. With `ifStatus`,
   * only from that status (409 with the status it has now otherwise). 409 `moving` while its customer is
   * being moved; 503 as `get` for an order that moved.
   */
  cancel(id: string, viewer: Viewer, ifStatus?: OrderStatus): Order;
  /**
   * Price the lines from the cell's copy of the catalog's prices (`prices.ts`) and store the order as
   * PENDING, in one transaction; the same key and request again gets the same answer (the order as
   * placed, whatever prices have done since), 422 for another request under that key. 400 for a product
   * it knows no price of or lines in different currencies; 409 `pricesUnknown` while it knows no price
   * at all; 409 `moving` while the customer is being moved (a replay, which writes nothing, is still
   * answered). Nothing is written on any refusal.
   */
  place(command: CreateOrderCommand): { order: Order; created: boolean };
  /**
   * Move an order along the saga; a repeated idempotency key (the causing event's id) changes nothing.
   * 409 `moving` while its customer is being moved; 410 naming the partition for an order that moved.
   */
  advance(id: string, command: OrderTransitionCommand, idempotencyKey: string): { order: Order; applied: boolean };
}

type HistoryRow = typeof schema.orderHistory.$inferSelect;
type Reader = Pick<OrdersDb, 'select'>;
/** A customer's key and request: what tells a replay from a new placement. */
type PlacementKey = Pick<CreateOrderCommand, 'customerId' | 'idempotencyKey' | 'requestHash'>;

function toOrder(row: OrderRow, history: HistoryRow[]): Order {
  return {
    id: row.id,
    customerId: row.customerId,
    status: row.status,
    lines: row.lines,
    total: row.total,
    currency: row.currency as Order['currency'],
    shippingAddress: row.shippingAddress,
    history: history.map((h) => ({ status: h.status, at: h.at, ...(h.reason ? { reason: h.reason } : {}) })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

// The queries every placement and saga step runs are prepared once (see @retail/data's prepared).
const orderById = (tx: OrdersDb | OrdersTx) =>
  prepared(tx, 'orders.byId', (d) =>
    d
      .select()
      .from(schema.orders)
      .where(eq(schema.orders.id, sql.placeholder('id')))
      .prepare(),
  );
const historyOf = (tx: OrdersDb | OrdersTx) =>
  prepared(tx, 'orders.history', (d) =>
    d
      .select()
      .from(schema.orderHistory)
      .where(eq(schema.orderHistory.orderId, sql.placeholder('orderId')))
      .orderBy(asc(schema.orderHistory.id))
      .prepare(),
  );
const placedWithKey = (tx: OrdersDb | OrdersTx) =>
  prepared(tx, 'orders.byIdempotencyKey', (d) =>
    d
      .select()
      .from(schema.orders)
      .where(
        and(
          eq(schema.orders.customerId, sql.placeholder('customerId')),
          eq(schema.orders.idempotencyKey, sql.placeholder('idempotencyKey')),
        ),
      )
      .prepare(),
  );

const insertOrder = (tx: OrdersDb | OrdersTx) =>
  prepared(tx, 'orders.insert', (d) =>
    d
      .insert(schema.orders)
      .values(
        placeholders(
          'id',
          'customerId',
          'status',
          'lines',
          'total',
          'currency',
          'shippingAddress',
          'idempotencyKey',
          'requestHash',
          'createdAt',
          'updatedAt',
        ),
      )
      .returning()
      .prepare(),
  );

const find = (tx: OrdersDb | OrdersTx, id: string) => (UUID.test(id) ? orderById(tx).get({ id }) : undefined);

function withHistory(tx: Reader, rows: OrderRow[]): Order[] {
  if (rows.length === 0) return [];
  const history = tx
    .select()
    .from(schema.orderHistory)
    .where(
      inArray(
        schema.orderHistory.orderId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(schema.orderHistory.id))
    .all();
  return rows.map((row) =>
    toOrder(
      row,
      history.filter((h) => h.orderId === row.id),
    ),
  );
}

const load = (tx: OrdersDb | OrdersTx, row: OrderRow) => toOrder(row, historyOf(tx).all({ orderId: row.id }));

/**
 * The order as it was when placed (PENDING, one history entry): the answer to the placement, and to
 * every replay of it, whatever has happened to the order since, so a retrying client sees one answer.
 */
const asPlaced = (row: OrderRow) =>
  toOrder({ ...row, status: 'PENDING', updatedAt: row.createdAt }, [
    { id: 0, orderId: row.id, status: 'PENDING', at: row.createdAt, reason: null, key: null },
  ]);
/** The placement's answer when the customer used this key before; 422 when it was with another request. */
function replayOf(tx: OrdersDb | OrdersTx, key: PlacementKey): Order | undefined {
  const existing = placedWithKey(tx).get({ customerId: key.customerId, idempotencyKey: key.idempotencyKey });
  if (!existing) return undefined;
  if (existing.requestHash !== key.requestHash) throw new IdempotencyKeyReusedError();
  return asPlaced(existing);
}
const reserved = (row: OrderRow) => row.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));

/** The event announcing a move the saga caused, with what the cells listening for it need. */
function transitionEvent(origin: EventOrigin, order: OrderRow, command: OrderTransitionCommand, previousStatus: OrderStatus) {
  const event = <T>(type: string, data: T) => createEvent({ ...origin, type, subject: order.id, data });
  switch (command.to) {
    case 'CONFIRMED':
      return event(OrderSubjects.confirmed, {
        orderId: order.id,
        customerId: order.customerId,
        lines: reserved(order),
        shippingAddress: order.shippingAddress,
      });
    case 'REJECTED':
      return event(OrderSubjects.rejected, { orderId: order.id, reason: command.reason });
    case 'SHIPPED':
      return event(OrderSubjects.shipped, {
        orderId: order.id,
        shipmentId: command.shipmentId,
        carrier: command.carrier,
        trackingNumber: command.trackingNumber,
      });
    case 'DELIVERED':
      return event(OrderSubjects.delivered, { orderId: order.id, shipmentId: command.shipmentId });
    case 'CANCELLED':
      return cancelledEvent(origin, order.id, previousStatus);
  }
}

const cancelledEvent = (origin: EventOrigin, orderId: string, previousStatus: OrderStatus) =>
  createEvent({ ...origin, type: OrderSubjects.cancelled, subject: orderId, data: { orderId, previousStatus } });

function cancelRefusal(order: OrderRow): IllegalTransitionError {
  const why: Partial<Record<OrderStatus, string>> = {
    SHIPPED: 'it has already been dispatched',
    DELIVERED: 'it has already been delivered',
    REJECTED: 'it was rejected and there is nothing to cancel',
  };
  return new IllegalTransitionError(
    order,
    'CANCELLED',
    `Order ${order.id} cannot be cancelled: ${why[order.status] ?? `it is ${order.status}`}.`,
  );
}

/** `origin`: the partition it runs in (its events go out addressed to it), by default the cell's first. */
export function createOrderBook(db: OrdersDb, origin: EventOrigin = DEFAULT_ORIGIN): OrderBook {
  const visible = (row: OrderRow | undefined, viewer: Viewer): row is OrderRow => !!row && mayView(viewer, row.customerId);

  return {
    get(id, viewer) {
      const row = find(db, id);
      if (!row) missingForViewer(db, id, viewer);
      if (!visible(row, viewer)) throw new OrderNotFoundError(id);
      return load(db, row);
    },

    list(customerId, query) {
      assertListable(db, customerId);
      const where = and(eq(schema.orders.customerId, customerId), query.status ? eq(schema.orders.status, query.status) : undefined);
      const total = db.select({ n: count() }).from(schema.orders).where(where).get()?.n ?? 0;
      const rows = db
        .select()
        .from(schema.orders)
        .where(where)
        // rowid breaks ties between orders placed in the same millisecond: insertion order.
        .orderBy(desc(schema.orders.createdAt), desc(sql`rowid`))
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize)
        .all();
      return { items: withHistory(db, rows), page: query.page, pageSize: query.pageSize, total };
    },

    cancel(id, viewer, ifStatus) {
      return db.transaction((tx) => {
        const current = find(tx, id);
        if (!current) missingForViewer(tx, id, viewer);
        if (!visible(current, viewer)) throw new OrderNotFoundError(id);
        assertServed(tx, current.customerId);
        if (current.status === 'CANCELLED') return load(tx, current);
        if (!canTransition(current.status, 'CANCELLED')) throw cancelRefusal(current);
        if (ifStatus && current.status !== ifStatus)
          throw new IllegalTransitionError(current, 'CANCELLED', `Order ${id} is ${current.status} now, no longer ${ifStatus}.`);
        const by = current.customerId === viewer.customerId ? 'the customer' : 'an operator';
        const row = transition(tx, current, 'CANCELLED', `cancelled by ${by}`);
        appendToOutbox(tx, cancelledEvent(origin, id, current.status));
        return load(tx, row);
      });
    },

    place(command) {
      return db.transaction((tx) => {
        const replay = replayOf(tx, command);
        if (replay) return { order: replay, created: false };
        assertServed(tx, command.customerId);
        const priced = priceLines(tx, command.lines);
        const now = new Date().toISOString();
        const row = insertOrder(tx).get({
          id: randomUUID(),
          customerId: command.customerId,
          status: 'PENDING',
          lines: priced.lines,
          total: priced.total,
          currency: priced.currency,
          shippingAddress: command.shippingAddress,
          idempotencyKey: command.idempotencyKey,
          requestHash: command.requestHash,
          createdAt: now,
          updatedAt: now,
        })!;
        recordHistory(tx, { orderId: row.id, status: 'PENDING', at: now, reason: null });
        recordStatus(row.id, 'PENDING');
        const placed = {
          orderId: row.id,
          customerId: row.customerId,
          lines: reserved(row),
          total: row.total,
          currency: priced.currency,
          shippingAddress: row.shippingAddress,
        };
        appendToOutbox(tx, createEvent({ ...origin, type: OrderSubjects.placed, subject: row.id, data: placed }));
        return { order: asPlaced(row), created: true };
      });
    },

    advance(id, command, idempotencyKey) {
      return db.transaction((tx: OrdersTx) => {
        const current = find(tx, id);
        if (!current) missingForSaga(tx, id);
        assertServed(tx, current.customerId);
        if (!firstDelivery(tx, { eventId: idempotencyKey, consumer: INBOX_CONSUMER, type: `transition:${command.to}` })) {
          return { order: load(tx, current), applied: false }; // done before: a redelivered event
        }
        const row = transition(tx, current, command.to, command.reason, idempotencyKey);
        appendToOutbox(tx, transitionEvent(origin, row, command, current.status));
        return { order: load(tx, row), applied: true };
      });
    },
  };
}
