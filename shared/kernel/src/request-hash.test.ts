import { expect, it } from 'vitest';
import { canonicalJson, requestHash } from './request-hash.ts';

it('hashes equal requests equally, whatever their key order or absent members', () => {
  expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  expect(requestHash({ delta: 5, reason: 'count' })).toBe(requestHash({ reason: 'count', delta: 5 }));
  expect(requestHash({ delta: 5, reason: 'count' })).not.toBe(requestHash({ delta: 6, reason: 'count' }));
  expect(requestHash({})).toMatch(/^[0-9a-f]{64}$/);
});
