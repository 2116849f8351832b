import type { MiddlewareHandler } from 'hono';
import { bearerToken, type TokenVerifier } from '@retail/auth';
import { TooManyRequestsError } from '@retail/kernel';
import { clientAddress } from './client-address.ts';
import { createRateLimiter } from './token-bucket.ts';

export interface RateLimitSettings {
  /** Sustained requests per second per client; 0 turns limiting off. */
  perSecond: number;
  burst: number;
  /** Believe `X-Forwarded-For` (only when a trusted proxy sits in front). */
  trustProxy: boolean;
}

const EXEMPT = new Set(['/healthz', '/readyz']);

/**
 * Per-client token buckets. A caller with a bearer token is counted by its subject, wherever it
 * connects from; everyone else by IP. The token is verified here, so a forged `sub` cannot pick a
 * fresh bucket; an invalid token is refused at the edge (401).
 */
export function rateLimit(settings: RateLimitSettings & { verifyToken: TokenVerifier; now?: () => number }): MiddlewareHandler {
  const limiter = createRateLimiter({ perSecond: settings.perSecond, burst: settings.burst, now: settings.now });
  return async (c, next) => {
    if (EXEMPT.has(c.req.path)) return next();
    const token = bearerToken(c.req.header('authorization'));
    const key = token ? `sub:${(await settings.verifyToken(token)).sub}` : `ip:${clientAddress(c, settings.trustProxy)}`;
    const decision = limiter.take(key);
    if (!decision.allowed) throw new TooManyRequestsError(decision.retryAfterSeconds);
    await next();
  };
}
