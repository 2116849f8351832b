import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectBus, ensureBucket, kvDelete, kvPut, type Bus } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { startTestNats, waitFor, type TestNats } from '@retail/testing';
import { CONFIG_BUCKET, configBucket, encodeSetting } from './entry.ts';
import { watchConfig } from './live.ts';

const logger = createLogger({ name: 'config-live-test', level: 'silent' });
let nats: TestNats;
let bus: Bus;

beforeAll(async () => {
  nats = await startTestNats();
  bus = await connectBus({ url: nats.url, name: 'config-live-test', logger });
  await ensureBucket(bus.jsm, configBucket);
}, 30_000);
afterAll(async () => {
  await bus.close();
  await nats.dispose();
});

const put = (key: string, value: string | number, source = 'operator') => kvPut(bus, CONFIG_BUCKET, key, encodeSetting(value, source));

it('applies valid changes within a second, refuses invalid ones, and falls back when a key is removed', async () => {
  await put('system.LOG_LEVEL', 'info', 'config/development.yaml');
  const changes: Record<string, unknown>[] = [];
  const config = watchConfig({
    bus,
    logger,
    who: { cell: 'orders', partition: 'orders-2', component: 'gateway', instance: 'p1-aa' },
    settings: ['LOG_LEVEL', 'RATE_LIMIT_BURST'],
    initial: { LOG_LEVEL: 'warn', RATE_LIMIT_BURST: 3 },
    env: { LOG_LEVEL: 'warn' },
    onChange: (changed) => changes.push(changed),
  });
  await config.ready;
  expect(config.isLive()).toBe(true);
  // The command that started it set LOG_LEVEL: that outranks the environment's file, not an operator.
  expect(config.describe()).toEqual({
    LOG_LEVEL: { value: 'warn', source: 'env' },
    RATE_LIMIT_BURST: { value: 3, source: 'default' },
  });
  expect(changes).toEqual([]);
  await put('system.LOG_LEVEL', 'info');
  await waitFor(() => config.current().LOG_LEVEL === 'info', { what: 'the operator’s change', timeoutMs: 1_000 });
  expect(config.describe().LOG_LEVEL).toEqual({ value: 'info', source: 'system (operator)' });
  expect(changes).toEqual([{ LOG_LEVEL: 'info' }]);

  const started = Date.now();
  await put('orders.gateway.RATE_LIMIT_BURST', 5);
  await waitFor(() => config.current().RATE_LIMIT_BURST === 5, { what: 'the change applied', timeoutMs: 1_000 });
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(changes.at(-1)).toEqual({ RATE_LIMIT_BURST: 5 });
  expect(config.describe().RATE_LIMIT_BURST).toEqual({ value: 5, source: 'orders/gateway (operator)' });

  // A narrower scope with an invalid value (written around the CLI): refused, the old value stays.
  await put('orders-2.gateway.RATE_LIMIT_BURST', 'many');
  await waitFor(() => config.refused().RATE_LIMIT_BURST, { what: 'the refusal', timeoutMs: 1_000 });
  expect(config.refused().RATE_LIMIT_BURST).toMatch(/^orders-2\.gateway\.RATE_LIMIT_BURST = "many": .*number/);
  expect(config.current().RATE_LIMIT_BURST).toBe(5);
  // Something that is not a config value at all is refused too.
  await kvPut(bus, CONFIG_BUCKET, 'orders-2.gateway.p1-aa.LOG_LEVEL', 'debug');
  await waitFor(() => config.refused().LOG_LEVEL, { what: 'the refusal of a bare value', timeoutMs: 1_000 });
  expect(config.current().LOG_LEVEL).toBe('info');

  // Removed: the next scope applies again, then the environment.
  await kvDelete(bus, CONFIG_BUCKET, 'orders-2.gateway.p1-aa.LOG_LEVEL');
  await kvDelete(bus, CONFIG_BUCKET, 'orders-2.gateway.RATE_LIMIT_BURST');
  await waitFor(() => !Object.keys(config.refused()).length, { what: 'refusals cleared', timeoutMs: 1_000 });
  expect(config.current()).toEqual({ LOG_LEVEL: 'info', RATE_LIMIT_BURST: 5 });
  await kvDelete(bus, CONFIG_BUCKET, 'orders.gateway.RATE_LIMIT_BURST');
  await kvDelete(bus, CONFIG_BUCKET, 'system.LOG_LEVEL');
  await waitFor(() => config.current().LOG_LEVEL === 'warn' && config.current().RATE_LIMIT_BURST === 3, {
    what: 'fallback',
    timeoutMs: 1_000,
  });
  expect(config.describe()).toEqual({ LOG_LEVEL: { value: 'warn', source: 'env' }, RATE_LIMIT_BURST: { value: 3, source: 'default' } });
  config.close();
});

it('keeps its values while NATS is away, and catches up when it is back', async () => {
  await put('shipping.shipments.AUTO_DISPATCH_AFTER_MS', 1_000);
  const config = watchConfig({
    bus,
    logger,
    who: { cell: 'shipping', component: 'shipments' },
    settings: ['AUTO_DISPATCH_AFTER_MS'],
    initial: { AUTO_DISPATCH_AFTER_MS: 0 },
    env: {},
    onChange: () => {},
  });
  await config.ready;
  expect(config.current().AUTO_DISPATCH_AFTER_MS).toBe(1_000);

  await nats.stop();
  await waitFor(() => !config.isLive(), { what: 'not live' });
  expect(config.current().AUTO_DISPATCH_AFTER_MS).toBe(1_000);
  expect(config.describe().AUTO_DISPATCH_AFTER_MS?.source).toBe('shipping/shipments (operator)');

  await nats.start();
  await waitFor(() => config.isLive(), { what: 'live again', timeoutMs: 20_000 });
  await put('shipping.shipments.AUTO_DISPATCH_AFTER_MS', 2_000);
  await waitFor(() => config.current().AUTO_DISPATCH_AFTER_MS === 2_000, { what: 'a change after the restart' });
  config.close();
}, 40_000);
