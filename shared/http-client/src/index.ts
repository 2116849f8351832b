export { createCircuitBreaker, BreakerOpenError, type CircuitBreaker, type BreakerOptions } from './breaker.ts';
export { createHttpClient, HttpError, type HttpClient, type HttpClientOptions, type HttpResponse, type RequestOptions } from './client.ts';
export { cachedClientCredentials, cellWorkloadTokens, type TokenSource } from './tokens.ts';
