import type { HttpClient } from '@retail/http-client';
import type { ReservationAnswer, ReserveStock } from '@retail/inventory-contract';

/**
 * The stock core's internal command API, as allocation calls it. Every command carries the id of the
 * event behind it as Idempotency-Key, so a redelivered event is applied once.
 */
export interface StockCommands {
  reserve(command: ReserveStock, eventId: string): Promise<ReservationAnswer>;
  release(orderId: string, eventId: string): Promise<ReservationAnswer>;
  commit(orderId: string, eventId: string): Promise<ReservationAnswer>;
}

export function createStockCommands(http: HttpClient): StockCommands {
  const send = async (path: string, eventId: string, body?: unknown) =>
    (await http.request<ReservationAnswer>('POST', path, { body, headers: { 'idempotency-key': eventId } })).body;
  const order = (orderId: string) => `/reservations/${encodeURIComponent(orderId)}`;
  return {
    reserve: (command, eventId) => send('/reservations', eventId, command),
    release: (orderId, eventId) => send(`${order(orderId)}/release`, eventId),
    commit: (orderId, eventId) => send(`${order(orderId)}/commit`, eventId),
  };
}
