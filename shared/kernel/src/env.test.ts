import { expect, it } from 'vitest';
import { z } from 'zod';
import { commonEnv, natsEnv, parseEnv } from './env.ts';

it('gives idle memory back unless IDLE_MEMORY_RELEASE says false', () => {
  const schema = z.object(commonEnv);
  expect(parseEnv(schema, {}).IDLE_MEMORY_RELEASE).toBe(true);
  expect(parseEnv(schema, { IDLE_MEMORY_RELEASE: 'true' }).IDLE_MEMORY_RELEASE).toBe(true);
  expect(parseEnv(schema, { IDLE_MEMORY_RELEASE: 'false' }).IDLE_MEMORY_RELEASE).toBe(false);
  expect(parseEnv(schema, { IDLE_MEMORY_RELEASE: '0' }).IDLE_MEMORY_RELEASE).toBe(false);
  expect(() => parseEnv(schema, { IDLE_MEMORY_RELEASE: 'no' })).toThrow(/IDLE_MEMORY_RELEASE/);
});

it('gives a secret its development default, and refuses that default in production', () => {
  const schema = z.object(natsEnv);
  expect(parseEnv(schema, { NATS_USER: 'orders' }).NATS_PASS).toBe('orders-nats-dev');
  expect(parseEnv(schema, {}).NATS_PASS).toBeUndefined();
  expect(() => parseEnv(schema, { NODE_ENV: 'production', NATS_USER: 'orders' })).toThrow(/NATS_PASS: required in production/);
  expect(() => parseEnv(schema, { NODE_ENV: 'production', NATS_USER: 'orders', NATS_PASS: 'orders-nats-dev' })).toThrow(
    /Refusing to start \(production mode\):\n {2}NATS_PASS: is the development default/,
  );
  expect(parseEnv(schema, { NODE_ENV: 'production', NATS_USER: 'orders', NATS_PASS: 'a-long-generated-secret' }).NATS_PASS).toBe(
    'a-long-generated-secret',
  );
});
