import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * CORS for the storefront's origins. Bearer tokens travel in a header, not cookies, so credentials
 * stay off. Requests may carry `If-Match` (optimistic concurrency) and `Idempotency-Key`; answers show
 * a browser their `ETag` (to send back in `If-Match`), `Location`, `Retry-After`, `RateLimit` and
 * `RateLimit-Policy` (to back off), and `X-Cell-Partition` (which partition of a partitioned cell served).
 */
export function storefrontCors(origins: readonly string[]): MiddlewareHandler {
  return cors({
    origin: [...origins],
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key'],
    exposeHeaders: ['ETag', 'Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'X-Request-Id', 'X-Trace-Id', 'X-Cell-Partition'],
    maxAge: 600,
  });
}
