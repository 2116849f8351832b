export { createCircuitBreaker, BreakerOpenError, type CircuitBreaker, type BreakerOptions } from './breaker.ts';
export { createPool, fixedPool, type Pool, type PoolOptions } from './pool.ts';
export {
  createHttpClient,
  isIdempotent,
  HttpError,
  type HttpClient,
  type HttpClientOptions,
  type HttpResponse,
  type RequestOptions,
} from './client.ts';
export { cachedClientCredentials, cellWorkloadTokens, type TokenSource } from './tokens.ts';
