import { describe, expect, it } from 'vitest';
import { fnv1a32, placeByRule } from './rule.ts';
import type { PartitionState } from './schemas.ts';

const partitions = (...states: PartitionState[]) => states.map((state, i) => ({ name: `orders-${i + 1}`, state }));
const ids = Array.from({ length: 3000 }, (_, i) => `user-${i}`);

const spread = (placed: (string | undefined)[]) => {
  const counts = new Map<string | undefined, number>();
  for (const p of placed) counts.set(p, (counts.get(p) ?? 0) + 1);
  return counts;
};

describe('placement rule', () => {
  it('hashes with 32-bit FNV-1a over UTF-8, so any other implementation can agree with it', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('é')).toBe(fnv1a32('\u00e9'));
  });

  it('gives a customer the same partition every time, whatever order the partitions are listed in', () => {
    const two = partitions('active', 'active');
    const first = ids.map((id) => placeByRule(id, two));
    expect(ids.map((id) => placeByRule(id, [...two].reverse()))).toEqual(first);
    expect(ids.map((id) => placeByRule(id, two))).toEqual(first);
  });

  it.each([
    [2, 0.45, 0.55],
    [3, 0.29, 0.37],
  ])('spreads %i active partitions roughly evenly', (count, low, high) => {
    const counts = spread(ids.map((id) => placeByRule(id, partitions(...Array<PartitionState>(count).fill('active')))));
    expect([...counts.keys()].sort()).toEqual(partitions(...Array<PartitionState>(count).fill('active')).map((p) => p.name));
    for (const n of counts.values()) {
      expect(n / ids.length).toBeGreaterThan(low);
      expect(n / ids.length).toBeLessThan(high);
    }
  });

  it('never places a customer on a draining or down partition', () => {
    expect(spread(ids.map((id) => placeByRule(id, partitions('draining', 'active', 'down'))))).toEqual(new Map([['orders-2', ids.length]]));
    const withOthers = ids.map((id) => placeByRule(id, partitions('active', 'active', 'down')));
    expect(withOthers).toEqual(ids.map((id) => placeByRule(id, partitions('active', 'active'))));
  });

  it('has no answer when no partition is active', () => {
    expect(placeByRule('user-alice', partitions('down', 'draining'))).toBeUndefined();
    expect(placeByRule('user-alice', [])).toBeUndefined();
  });
});
