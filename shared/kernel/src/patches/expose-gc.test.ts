import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { memoryReducingGc } from './expose-gc.ts';

it('is the V8 the patch was written for', () => {
  const v8 = process.versions.v8.split('.').slice(0, 2).join('.');
  expect(
    v8,
    'Node (and with it V8) was upgraded: re-check the patch in expose-gc.ts against the new V8 (the next test says what it assumes), then move the pin',
  ).toBe('13.6');
});

it("really shrinks V8's young generation once garbage has grown it", () => {
  const youngSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
  const before = youngSpace();
  // Objects that live across a few scavenges make V8 grow the young generation, as a start-up does.
  let kept: object[] = [];
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 50_000; i++) kept.push({ round, i, text: `item ${i}` });
    if (kept.length > 400_000) kept = kept.slice(-100_000);
  }
  const grown = youngSpace();
  expect(grown).toBeGreaterThan(before);
  kept = [];
  memoryReducingGc()();
  expect(youngSpace()).toBeLessThan(grown / 2);
  expect(kept).toHaveLength(0);
});

it('leaves --expose-gc off for the contexts made afterwards', () => {
  memoryReducingGc();
  expect(runInNewContext('typeof gc')).toBe('undefined');
});
