import { createHttpClient, type Pool, type TokenSource } from '@retail/http-client';

/** The shipping cell's gateway, to cancel the shipment of an order being cancelled (client-credentials token). */
export function shippingGatewayClient(options: { pool: Pool; token: TokenSource }) {
  return createHttpClient({ pool: options.pool, name: 'the shipping cell', token: options.token });
}

/** The orders core service of this cell, called with workload tokens from the cell gateway. */
export function ordersCoreHttpClient(options: { pool: Pool; token: TokenSource; timeoutMs?: number }) {
  return createHttpClient({ pool: options.pool, name: 'orders orders', token: options.token, timeoutMs: options.timeoutMs });
}

/**
 * A partition's gateway (`ORDERS_2_GATEWAY_URL`), to hand it a saga step for an order that moved there
 * (this cell's client-credentials token, scope `orders:handover`).
 */
export function partitionGatewayClient(options: { partition: string; pool: Pool; token: TokenSource }) {
  return createHttpClient({ pool: options.pool, name: `partition ${options.partition} of the orders cell`, token: options.token });
}
