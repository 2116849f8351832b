import type { MiddlewareHandler } from 'hono';
import { bearerToken, type Principal, type TokenVerifier } from '@retail/auth';
import { TooManyRequestsError } from '@retail/kernel';
import { clientAddress } from './client-address.ts';
import { createRateLimiter } from './token-bucket.ts';

export interface RateLimitSettings {
  /** Sustained requests per second per client; 0 turns limiting off. */
  perSecond: number;
  burst: number;
  /** Believe the last `X-Forwarded-For` entry (only when a trusted proxy sits in front). */
  trustProxy: boolean;
}

const EXEMPT = new Set(['/healthz', '/readyz']);

/**
 * Per-client token buckets. A caller with a valid bearer token is counted by its subject, wherever it
 * connects from; everyone else by IP. The token is verified here, so a forged `sub` cannot pick a
 * fresh bucket, and a request with an invalid token spends its address's bucket before it is refused
 * (401), so that guessing tokens is held to the same rate as anything else.
 */
export function rateLimit(settings: RateLimitSettings & { verifyToken: TokenVerifier; now?: () => number }): MiddlewareHandler {
  const limiter = createRateLimiter({ perSecond: settings.perSecond, burst: settings.burst, now: settings.now });
  return async (c, next) => {
    if (EXEMPT.has(c.req.path)) return next();
    const token = bearerToken(c.req.header('authorization'));
    let principal: Principal | undefined;
    let refusal: unknown;
    if (token) {
      try {
        principal = await settings.verifyToken(token);
      } catch (error) {
        refusal = error;
      }
    }
    const decision = limiter.take(principal ? `sub:${principal.sub}` : `ip:${clientAddress(c, settings.trustProxy)}`);
    if (!decision.allowed) throw new TooManyRequestsError(decision.retryAfterSeconds);
    if (refusal) throw refusal;
    await next();
  };
}
