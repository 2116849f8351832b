import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * CORS for the storefront's origins. Bearer tokens travel in a header, not cookies, so credentials
 * stay off; Retry-After is exposed so the storefront can back off on 429, X-Cell-Partition so a client
 * can tell which partition of a partitioned cell served it.
 */
export function storefrontCors(origins: readonly string[]): MiddlewareHandler {
  return cors({
    origin: [...origins],
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    exposeHeaders: ['Retry-After', 'Location', 'X-Request-Id', 'X-Trace-Id', 'X-Cell-Partition'],
    maxAge: 600,
  });
}
