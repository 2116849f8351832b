import type { MiddlewareHandler } from 'hono';
import { bearerToken, type Principal, type TokenVerifier } from '@retail/auth';
import { TooManyRequestsError } from '@retail/kernel';
import { clientAddress } from './client-address.ts';
import { createRateLimiter, type RateDecision } from './token-bucket.ts';

export interface RateLimitSettings {
  /** Sustained requests per second per client; 0 turns limiting off. */
  perSecond: number;
  burst: number;
  /** Believe the last `X-Forwarded-For` entry (only when a trusted proxy sits in front). */
  trustProxy: boolean;
  /** Where the limits are read from on every request, so that a change applies at once (live configuration); the settings themselves by default. */
  live?: { perSecond: number; burst: number };
}

const EXEMPT = new Set(['/healthz', '/readyz']);

/** The quota's name in the headers: one policy per limiter. */
const POLICY = 'default';

/**
 * The draft-ietf-httpapi-ratelimit-headers fields, structured-field form: the policy (`q` requests per
 * `w` seconds: a full bucket, and the time it takes to fill) and what is left of it (`r` requests now,
 * `t` seconds until the bucket is full again).
 */
function rateLimitHeaders(limits: { perSecond: number; burst: number }, decision: RateDecision): Record<string, string> {
  return {
    'RateLimit-Policy': `"${POLICY}";q=${limits.burst};w=${Math.max(1, Math.ceil(limits.burst / limits.perSecond))}`,
    RateLimit: `"${POLICY}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}

export interface RateLimitOptions extends RateLimitSettings {
  verifyToken: TokenVerifier;
  now?: () => number;
  /**
   * Put `RateLimit` and `RateLimit-Policy` on every answer, not only on a 429. For the public edge
   * (gateway-global): a cell gateway behind it counts gateway-global's address for anonymous callers,
   * and its own figures would mislead the client.
   */
  headersOnEveryAnswer?: boolean;
}

/**
 * Per-client token buckets. A caller with a valid bearer token is counted by its subject, wherever it
 * connects from; everyone else by IP. The token is verified here, so a forged `sub` cannot pick a
 * fresh bucket, and a request with an invalid token spends its address's bucket before it is refused
 * (401), so that guessing tokens is held to the same rate as anything else. A refusal is a 429
 * `rate-limited` problem with `Retry-After`, `RateLimit` and `RateLimit-Policy`.
 */
export function rateLimit(settings: RateLimitOptions): MiddlewareHandler {
  const limits = settings.live ?? settings;
  // Rebuilt when the live limits change (RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST): fresh, full buckets.
  let built = { perSecond: -1, burst: -1 };
  let limiter: ReturnType<typeof createRateLimiter> | undefined;
  const current = () => {
    if (limits.perSecond !== built.perSecond || limits.burst !== built.burst) {
      built = { perSecond: limits.perSecond, burst: limits.burst };
      limiter = built.perSecond > 0 ? createRateLimiter({ perSecond: built.perSecond, burst: built.burst, now: settings.now }) : undefined;
    }
    return limiter;
  };
  return async (c, next) => {
    const buckets = current();
    if (!buckets || EXEMPT.has(c.req.path)) return next();
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
    const decision = buckets.take(principal ? `sub:${principal.sub}` : `ip:${clientAddress(c, settings.trustProxy)}`);
    if (!decision.allowed) throw new TooManyRequestsError(decision.retryAfterSeconds, { headers: rateLimitHeaders(built, decision) });
    // On c.res itself, before the answer exists: Hono carries them onto whatever follows, a problem too
    // (the forwarder stages them on the Node response, where an upstream's own RateLimit wins).
    if (settings.headersOnEveryAnswer) {
      for (const [name, value] of Object.entries(rateLimitHeaders(built, decision))) c.res.headers.set(name, value);
    }
    if (refusal) throw refusal;
    await next();
  };
}
