import { describe, expect, it } from 'vitest';
import { createPool } from './pool.ts';

const A = 'http://127.0.0.1:7001';
const B = 'http://127.0.0.1:7002';

describe('a pool of instances', () => {
  it('sends each request to the instance with the fewest outstanding, taking turns on a tie', () => {
    const pool = createPool({ name: 'till', instances: () => [A, B], fallback: 'http://127.0.0.1:7000' });
    const first = pool.pick();
    const second = pool.pick();
    expect(new Set([first, second])).toEqual(new Set([A, B]));
    pool.begin(A);
    pool.begin(A);
    expect([pool.pick(), pool.pick(), pool.pick()]).toEqual([B, B, B]);
    pool.end(A, true);
    pool.end(A, true);
    expect(new Set([pool.pick(), pool.pick()])).toEqual(new Set([A, B]));
  });

  it('ejects an instance after consecutive failures for a back-off that doubles, and takes it back after', () => {
    let now = 0;
    const pool = createPool({ name: 'till', instances: () => [A, B], fallback: A, failuresToEject: 2, ejectMs: 1_000, now: () => now });
    pool.end(A, false);
    expect(pool.state().find((s) => s.origin === A)!.ejected).toBe(false);
    pool.end(A, false);
    expect(pool.state().find((s) => s.origin === A)!.ejected).toBe(true);
    expect([pool.pick(), pool.pick(), pool.pick()]).toEqual([B, B, B]);
    now = 1_001;
    expect(new Set([pool.pick(), pool.pick()])).toEqual(new Set([A, B]));
    // Failing again right away: ejected for twice as long.
    pool.end(A, false);
    pool.end(A, false);
    now = 2_500;
    expect(pool.pick()).toBe(B);
    expect(pool.pick()).toBe(B);
    now = 3_002;
    pool.end(A, true);
    expect(new Set([pool.pick(), pool.pick()])).toEqual(new Set([A, B]));
  });

  it('still picks an ejected instance when every one is ejected, and offers another for a retry', () => {
    const pool = createPool({ name: 'till', instances: () => [A, B], fallback: A, failuresToEject: 1 });
    pool.end(A, false);
    pool.end(B, false);
    expect([A, B]).toContain(pool.pick());
    expect(pool.pick(A)).toBe(B);
    expect(pool.hasOther(A)).toBe(true);
  });

  it('uses the configured URL while the registry lists none', () => {
    let listed: string[] = [];
    const pool = createPool({ name: 'till', instances: () => listed, fallback: A });
    expect(pool.pick()).toBe(A);
    expect(pool.hasOther(A)).toBe(false);
    listed = [B];
    expect(pool.pick()).toBe(B);
  });
});
