import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONFIG_BUCKET, configBucket } from '@retail/config';
import { connectBus, ensureBucket, kvSnapshot, type Bus } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { startTestNats, type TestNats } from '@retail/testing';

const cli = fileURLToPath(new URL('./config-cli.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const logger = createLogger({ name: 'config-cli-test', level: 'silent' });
let nats: TestNats;
let bus: Bus;

beforeAll(async () => {
  nats = await startTestNats();
  bus = await connectBus({ url: nats.url, name: 'config-cli-test', logger });
  await ensureBucket(bus.jsm, configBucket);
}, 30_000);
afterAll(async () => {
  await bus.close();
  await nats.dispose();
});

/** `npm run config -- …` against the test server (no NATS users there: the system user's credentials are ignored). */
const config = (...args: string[]) =>
  new Promise<{ code: number; out: string; err: string }>((resolve) => {
    const env = { ...process.env, NATS_URL: nats.url, NATS_USER: '', NATS_PASS: '' };
    execFile(process.execPath, [cli, ...args], { cwd: root, env }, (error, out, err) =>
      resolve({ code: error ? Number(error.code) : 0, out, err }),
    );
  });

const keys = async () => [...(await kvSnapshot(bus, CONFIG_BUCKET)).keys()];

it('refuses an unknown setting, a secret and an invalid value, writing nothing', async () => {
  const [unknown, secret, invalid, scope, usage] = await Promise.all([
    config('set', 'orders/checkout', 'PRICE_TIMEOUT_MS', '100'),
    config('set', 'orders/checkout', 'CLIENT_SECRET', 'hunter2'),
    config('set', 'inventory/allocation', 'BREAKER_FAILURES', '0'),
    config('set', 'orders/chekout', 'LOG_LEVEL', 'debug'),
    config('set', 'system'),
  ]);
  expect(unknown).toMatchObject({ code: 1 });
  expect(unknown.err).toMatch(/refused, nothing written: PRICE_TIMEOUT_MS is not a setting the config bucket holds/);
  expect(secret).toMatchObject({ code: 1 });
  expect(secret.err).toMatch(/CLIENT_SECRET looks like a secret: secrets never go into the config bucket/);
  expect(invalid).toMatchObject({ code: 1 });
  expect(invalid.err).toMatch(/"0" is not a valid BREAKER_FAILURES/);
  expect(scope).toMatchObject({ code: 1 });
  expect(scope.err).toMatch(/no component "chekout"/);
  expect(usage.code).toBe(2);
  expect(await keys()).toEqual([]);
}, 30_000);

it('sets, shows and removes a value', async () => {
  const set = await config('set', 'orders-2/gateway', 'RATE_LIMIT_BURST', '5');
  expect(set).toMatchObject({ code: 0 });
  expect(set.out).toMatch(/set orders-2\.gateway\.RATE_LIMIT_BURST = 5 \(operator\)/);

  const get = await config('get', 'orders-2/gateway/p1-ab');
  expect(get.out).toMatch(/RATE_LIMIT_BURST = 5 {2}← orders-2\/gateway \(operator\)/);
  expect(get.out).toMatch(/LOG_LEVEL = \(its environment or default\)/);

  const unset = await config('unset', 'orders-2/gateway', 'RATE_LIMIT_BURST');
  expect(unset.out).toMatch(/removed orders-2\.gateway\.RATE_LIMIT_BURST \(was 5 \(operator\)\)/);
  expect(await keys()).toEqual([]);
}, 30_000);

it('loads the committed development file', async () => {
  const load = await config('load', 'config/development.yaml');
  expect(load).toMatchObject({ code: 0 });
  expect(load.out).toMatch(/loaded config\/development\.yaml into the config bucket/);
  expect(await keys()).toContain('system.LOG_LEVEL');
}, 30_000);
