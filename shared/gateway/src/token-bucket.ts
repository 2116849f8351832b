export interface RateLimiterOptions {
  /** Sustained requests per second per client. */
  perSecond: number;
  /** Requests a client may make at once after being idle. */
  burst: number;
  /** Most clients remembered; idle ones go first, then the least recently seen. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * Whether a request may go, and the client's quota after it: `remaining` whole requests it may still
 * make at once, `resetSeconds` until its bucket is full again (a burst's worth).
 */
export type RateDecision = { remaining: number; resetSeconds: number } & (
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number }
);

export interface RateLimiter {
  take(key: string): RateDecision;
  /** Clients currently remembered. */
  size(): number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * One token bucket per client, in memory. The map is kept in least-recently-used order, so idle
 * clients sit at its front; a bucket that has refilled carries no information and is dropped first.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { perSecond, burst, maxKeys = 100_000, now = Date.now } = options;
  const buckets = new Map<string, Bucket>();
  const refillMs = (burst / perSecond) * 1000;

  const makeRoom = (at: number) => {
    for (const [key, bucket] of buckets) {
      if (at - bucket.updatedAt < refillMs) break;
      buckets.delete(key);
    }
    while (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
  };

  return {
    take(key) {
      const at = now();
      let bucket = buckets.get(key);
      if (bucket) {
        buckets.delete(key);
        bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.updatedAt) / 1000) * perSecond);
        bucket.updatedAt = at;
      } else {
        if (buckets.size >= maxKeys) makeRoom(at);
        bucket = { tokens: burst, updatedAt: at };
      }
      buckets.set(key, bucket);
      const allowed = bucket.tokens >= 1;
      if (allowed) bucket.tokens -= 1;
      const quota = { remaining: Math.floor(bucket.tokens), resetSeconds: Math.ceil((burst - bucket.tokens) / perSecond) };
      if (allowed) return { allowed, ...quota };
      return { allowed, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)), ...quota };
    },
    size: () => buckets.size,
  };
}
