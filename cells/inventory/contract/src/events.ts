import { z } from 'zod';

/** Events the inventory cell publishes, on its stream INVENTORY (`inventory.>`). */
export const InventorySubjects = {
  stockChanged: 'inventory.stock.changed',
  reservationConfirmed: 'inventory.reservation.confirmed',
  reservationRejected: 'inventory.reservation.rejected',
  reservationReleased: 'inventory.reservation.released',
} as const;

export const InventoryStream = 'INVENTORY';

const line = z.object({ sku: z.string().min(1), quantity: z.number().int().min(1) });

/**
 * Published whenever a SKU's on-hand or reserved count changes. It is a state, not a step: changes of one SKU
 * made faster than they are published go out as the last of them, so a consumer keeps the latest level.
 */
export const stockChangedEventSchema = z
  .object({
    sku: z.string().min(1),
    onHand: z.number().int().min(0),
    reserved: z.number().int().min(0),
    available: z.number().int(),
  })
  .describe(
    'Where a SKU’s stock stands after a change. A state, not a step: changes of one SKU made faster than they are published go out as the last of them; keep the latest.',
  );

/** Every line of the order is reserved (all or nothing). */
export const reservationConfirmedEventSchema = z.object({ orderId: z.string().min(1), lines: z.array(line).min(1) });

/** Nothing was reserved: at least one line lacks stock (or the SKU is unknown to inventory). */
export const reservationRejectedEventSchema = z.object({
  orderId: z.string().min(1),
  reason: z.string(),
  shortages: z.array(z.object({ sku: z.string(), requested: z.number().int(), available: z.number().int() })),
});

/** A reservation given back (the order was cancelled before dispatch). */
export const reservationReleasedEventSchema = z.object({ orderId: z.string().min(1), lines: z.array(line) });

export type StockChangedEvent = z.infer<typeof stockChangedEventSchema>;
export type ReservationConfirmedEvent = z.infer<typeof reservationConfirmedEventSchema>;
export type ReservationRejectedEvent = z.infer<typeof reservationRejectedEventSchema>;
export type ReservationReleasedEvent = z.infer<typeof reservationReleasedEventSchema>;
