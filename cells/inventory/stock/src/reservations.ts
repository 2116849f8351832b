import { asc, eq, sql } from 'drizzle-orm';
import { firstDelivery, placeholders, prepared, type Tx } from '@retail/data';
import { appendToOutbox, createEvent } from '@retail/events';
import {
  InventorySubjects,
  inventoryCell,
  type ReservationAnswer,
  type ReservationConfirmedEvent,
  type ReservationRejectedEvent,
  type ReservationReleasedEvent,
  type ReserveStock,
} from '@retail/inventory-contract';
import { durableName } from '@retail/descriptor';
import { reservationLines, reservations, stockLevels } from './db/schema.ts';
import { announceStockChange, findLevels, SOURCE, type Reader, type StockDb } from './levels.ts';

/**
 * The commands `allocation` sends on behalf of other cells' events. Each is one synchronous SQLite
 * transaction (so concurrent commands are serialised and stock is never oversold), records its
 * Idempotency-Key in the inbox with its effect (a redelivered event changes nothing), and announces
 * what changed through the outbox.
 */
export interface Reservations {
  /** Reserve every line or none: RESERVED, or REJECTED with the shortages. Once per order. */
  reserve(command: ReserveStock, key: string): ReservationAnswer;
  /** Give a RESERVED order's units back (the order was cancelled). */
  release(orderId: string, key: string): ReservationAnswer;
  /** A RESERVED order's goods left the warehouse: they are no longer on hand. */
  commit(orderId: string, key: string): ReservationAnswer;
}

/** Commands are recorded under the core's own consumer name, next to the events it consumes. */
const CONSUMER = durableName(inventoryCell, 'stock');

type Line = { sku: string; quantity: number };

export function createReservations(db: StockDb): Reservations {
  const run = (command: (tx: Tx<any>) => ReservationAnswer): ReservationAnswer => db.transaction(command);

  return {
    reserve({ orderId, partition, lines }, key) {
      const wanted = mergeLines(lines);
      return run((tx) => {
        const existing = findReservation(tx, orderId);
        if (!firstTime(tx, key, 'reserve') || existing) return { orderId, status: existing?.status ?? 'NONE' };
        const now = new Date().toISOString();
        const levels = findLevels(
          tx,
          wanted.map((l) => l.sku),
        );
        const shortages = wanted.flatMap(({ sku, quantity }) => {
          const level = levels.get(sku);
          const available = level ? level.onHand - level.reserved : 0;
          return available < quantity ? [{ sku, requested: quantity, available, stocked: level !== undefined }] : [];
        });
        const status = shortages.length ? 'REJECTED' : 'RESERVED';
        const reason = shortages.length ? shortages.map(describeShortage).join('; ') : null;
        insertReservation(tx).run({ orderId, status, reason, createdAt: now, updatedAt: now });
        for (const line of wanted) insertLine(tx).run({ orderId, ...line });

        if (reason) {
          const data: ReservationRejectedEvent = {
            orderId,
            reason,
            shortages: shortages.map(({ sku, requested, available }) => ({ sku, requested, available })),
          };
          appendToOutbox(
            tx,
            createEvent({ source: SOURCE, partition, type: InventorySubjects.reservationRejected, subject: orderId, data }),
          );
          return { orderId, status };
        }
        const data: ReservationConfirmedEvent = { orderId, lines: wanted };
        appendToOutbox(
          tx,
          createEvent({ source: SOURCE, partition, type: InventorySubjects.reservationConfirmed, subject: orderId, data }),
        );
        for (const { sku, quantity } of wanted) announceStockChange(tx, changeReserved(tx).get({ sku, delta: quantity, now })!);
        return { orderId, status };
      });
    },

    release(orderId, key) {
      return run((tx) => {
        const existing = findReservation(tx, orderId);
        if (!firstTime(tx, key, 'release')) return { orderId, status: existing?.status ?? 'NONE' };
        const now = new Date().toISOString();
        if (!existing) {
          // The cancel overtook the placement (a redelivery after a failure can reorder them): remember
          // the order as released, so its reservation command, when it comes, reserves nothing.
          tx.insert(reservations)
            .values({ orderId, status: 'RELEASED', reason: 'released before it was reserved', createdAt: now, updatedAt: now })
            .run();
          return { orderId, status: 'NONE' };
        }
        if (existing.status !== 'RESERVED') return { orderId, status: existing.status };
        const lines = linesOf(tx, orderId);
        for (const { sku, quantity } of lines) announceStockChange(tx, changeReserved(tx).get({ sku, delta: -quantity, now })!);
        setStatus(tx, orderId, 'RELEASED', now);
        const data: ReservationReleasedEvent = { orderId, lines };
        appendToOutbox(tx, createEvent({ source: SOURCE, type: InventorySubjects.reservationReleased, subject: orderId, data }));
        return { orderId, status: 'RELEASED' };
      });
    },

    commit(orderId, key) {
      return run((tx) => {
        const existing = findReservation(tx, orderId);
        if (!firstTime(tx, key, 'commit') || !existing || existing.status !== 'RESERVED')
          return { orderId, status: existing?.status ?? 'NONE' };
        const now = new Date().toISOString();
        for (const { sku, quantity } of linesOf(tx, orderId)) {
          const row = tx
            .update(stockLevels)
            .set({ onHand: sql`${stockLevels.onHand} - ${quantity}`, reserved: sql`${stockLevels.reserved} - ${quantity}`, updatedAt: now })
            .where(eq(stockLevels.sku, sku))
            .returning()
            .get()!;
          announceStockChange(tx, row);
        }
        setStatus(tx, orderId, 'COMMITTED', now);
        return { orderId, status: 'COMMITTED' };
      });
    },
  };
}

/** Record the command's key; false if it was seen before (then the command must do nothing). */
function firstTime(tx: Tx<any>, key: string, command: string): boolean {
  return firstDelivery(tx, { eventId: key, consumer: CONSUMER, type: command });
}

// What every reservation runs, prepared once per database (see @retail/data's prepared).
const findReservation = (tx: Tx<any>, orderId: string) =>
  prepared(tx, 'reservations.byOrder', (d) =>
    d
      .select()
      .from(reservations)
      .where(eq(reservations.orderId, sql.placeholder('orderId')))
      .prepare(),
  ).get({ orderId });
const insertReservation = (tx: Tx<any>) =>
  prepared(tx, 'reservations.insert', (d) =>
    d
      .insert(reservations)
      .values(placeholders('orderId', 'status', 'reason', 'createdAt', 'updatedAt'))
      .prepare(),
  );
const insertLine = (tx: Tx<any>) =>
  prepared(tx, 'reservations.insertLine', (d) =>
    d
      .insert(reservationLines)
      .values(placeholders('orderId', 'sku', 'quantity'))
      .prepare(),
  );
/** Units promised to orders, up (reserve) or down (release) by `delta`; the CHECKs refuse overselling. */
const changeReserved = (tx: Tx<any>) =>
  prepared(tx, 'stock.changeReserved', (d) =>
    d
      .update(stockLevels)
      .set({ reserved: sql`${stockLevels.reserved} + ${sql.placeholder('delta')}`, updatedAt: sql`${sql.placeholder('now')}` })
      .where(eq(stockLevels.sku, sql.placeholder('sku')))
      .returning()
      .prepare(),
  );

const linesOf = (tx: Reader, orderId: string): Line[] =>
  tx
    .select({ sku: reservationLines.sku, quantity: reservationLines.quantity })
    .from(reservationLines)
    .where(eq(reservationLines.orderId, orderId))
    .orderBy(asc(reservationLines.sku))
    .all();

function setStatus(tx: Tx<any>, orderId: string, status: 'RELEASED' | 'COMMITTED', now: string): void {
  tx.update(reservations).set({ status, updatedAt: now }).where(eq(reservations.orderId, orderId)).run();
}

/** Two lines of one SKU are one need (orders sends one line per SKU, but the sum is what counts). */
function mergeLines(lines: Line[]): Line[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of lines) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}

function describeShortage(s: { sku: string; requested: number; available: number; stocked: boolean }): string {
  return s.stocked ? `insufficient stock for ${s.sku} (${s.requested} requested, ${s.available} available)` : `${s.sku} is not stocked`;
}
