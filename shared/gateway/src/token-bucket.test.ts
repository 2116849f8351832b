import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './token-bucket.ts';

describe('token bucket', () => {
  it('allows a burst, then the sustained rate, and says how long to wait', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 0, resetSeconds: 2 });
    now += 500; // one token back at 2/s
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('rounds Retry-After up to whole seconds for slow rates', () => {
    const limiter = createRateLimiter({ perSecond: 0.25, burst: 1, now: () => 0 });
    limiter.take('a');
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 4, remaining: 0, resetSeconds: 4 });
  });

  it('says what is left of the quota: whole requests now, seconds until the bucket is full', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 4, now: () => now });
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 3, resetSeconds: 1 });
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 2, resetSeconds: 1 });
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 1, resetSeconds: 2 });
    now += 250; // half a token back
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 0, resetSeconds: 2 });
    expect(limiter.take('a')).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 2 });
  });

  it('never refills beyond the burst', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 10, burst: 2, now: () => now });
    limiter.take('a');
    now += 60_000;
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, false]);
  });

  it('stays bounded, forgetting idle clients before active ones', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 1, burst: 2, maxKeys: 3, now: () => now });
    limiter.take('idle');
    now += 5_000; // 'idle' has refilled by now
    limiter.take('busy');
    limiter.take('busy');
    limiter.take('other');
    limiter.take('newcomer');
    expect(limiter.size()).toBe(3);
    // 'busy' is still remembered as empty: no fresh burst for it.
    expect(limiter.take('busy').allowed).toBe(false);
  });

  it('evicts the least recently seen client when none is idle', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1, maxKeys: 2, now: () => 0 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('a'); // 'a' seen again: 'b' is now the least recent
    limiter.take('c');
    expect(limiter.size()).toBe(2);
    expect(limiter.take('a').allowed).toBe(false); // still remembered
  });
});
