import { expect, it } from 'vitest';
import { z } from 'zod';
import { commonEnv, parseEnv } from './env.ts';

it('gives idle memory back unless IDLE_MEMORY_RELEASE says false', () => {
  const schema = z.object(commonEnv);
  expect(parseEnv(schema, {}).IDLE_MEMORY_RELEASE).toBe(true);
  expect(parseEnv(schema, { IDLE_MEMORY_RELEASE: 'true' }).IDLE_MEMORY_RELEASE).toBe(true);
  expect(parseEnv(schema, { IDLE_MEMORY_RELEASE: 'false' }).IDLE_MEMORY_RELEASE).toBe(false);
  expect(parseEnv(schema, { IDLE_MEMORY_RELEASE: '0' }).IDLE_MEMORY_RELEASE).toBe(false);
  expect(() => parseEnv(schema, { IDLE_MEMORY_RELEASE: 'no' })).toThrow(/IDLE_MEMORY_RELEASE/);
});
