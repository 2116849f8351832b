import { createCircuitBreaker, createHttpClient, type TokenSource } from '@retail/http-client';

/**
 * The products cell's gateway, for prices. A timeout and a circuit breaker keep checkout answering
 * (503, fast) while the products cell is slow or down, instead of piling up waiting customers.
 */
export function productsGatewayClient(options: { baseUrl: string; timeoutMs: number; token: TokenSource }) {
  return createHttpClient({
    baseUrl: options.baseUrl,
    name: 'the products cell',
    timeoutMs: options.timeoutMs,
    token: options.token,
    breaker: createCircuitBreaker({ name: 'products cell', failureThreshold: 3, resetAfterMs: 5_000 }),
  });
}

/** The shipping cell's gateway, to cancel the shipment of an order being cancelled (client-credentials token). */
export function shippingGatewayClient(options: { baseUrl: string; token: TokenSource }) {
  return createHttpClient({ baseUrl: options.baseUrl, name: 'the shipping cell', token: options.token });
}

/** The orders core service of this cell, called with workload tokens from the cell gateway. */
export function ordersCoreHttpClient(options: { baseUrl: string; token: TokenSource }) {
  return createHttpClient({ baseUrl: options.baseUrl, name: 'orders orders', token: options.token });
}
