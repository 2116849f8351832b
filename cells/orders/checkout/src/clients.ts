import { createHttpClient, type CircuitBreaker, type Pool, type TokenSource } from '@retail/http-client';

/**
 * The products cell's gateway, for prices. A timeout and a circuit breaker keep checkout answering
 * (503, fast) while the products cell is slow or down, instead of piling up waiting customers.
 */
export function productsGatewayClient(options: { pool: Pool; timeoutMs: number; token: TokenSource; breaker: CircuitBreaker }) {
  return createHttpClient({
    pool: options.pool,
    name: 'the products cell',
    timeoutMs: options.timeoutMs,
    token: options.token,
    breaker: options.breaker,
  });
}

/** The shipping cell's gateway, to cancel the shipment of an order being cancelled (client-credentials token). */
export function shippingGatewayClient(options: { pool: Pool; token: TokenSource }) {
  return createHttpClient({ pool: options.pool, name: 'the shipping cell', token: options.token });
}

/** The orders core service of this cell, called with workload tokens from the cell gateway. */
export function ordersCoreHttpClient(options: { pool: Pool; token: TokenSource }) {
  return createHttpClient({ pool: options.pool, name: 'orders orders', token: options.token });
}
