import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectBus, ensureBucket, type Bus } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { startTestNats, waitFor, type TestNats } from '@retail/testing';
import { openDirectory } from './directory.ts';
import { newInstanceId, registryBucket, type InstanceEntry } from './entry.ts';
import { registerInstance } from './register.ts';

const logger = createLogger({ name: 'registry-test', level: 'silent' });
let nats: TestNats;
let bus: Bus;

beforeAll(async () => {
  nats = await startTestNats();
  bus = await connectBus({ url: nats.url, name: 'registry-test', logger });
  await ensureBucket(bus.jsm, registryBucket);
}, 30_000);
afterAll(async () => {
  await bus.close();
  await nats.dispose();
});

const entry = (component: string, port: number): InstanceEntry => ({
  cell: 'shop',
  component,
  instance: newInstanceId(),
  url: `http://127.0.0.1:${port}`,
  version: 'test',
  startedAt: new Date().toISOString(),
  host: 'test',
  pid: process.pid,
});

it('lists every registered instance, balances over them, and forgets a clean stop at once', async () => {
  const one = registerInstance({ bus, logger, entry: entry('till', 7001), heartbeatMs: 200 });
  const two = registerInstance({ bus, logger, entry: entry('till', 7002), heartbeatMs: 200 });
  const directory = openDirectory({ bus, logger });
  await directory.ready;
  await waitFor(() => directory.instances('shop', 'till').length === 2, { what: 'both instances' });
  const pool = directory.pool({ name: 'shop till', cell: 'shop', component: 'till', fallback: 'http://127.0.0.1:7000' });
  const picked = new Set(Array.from({ length: 4 }, () => pool.pick()));
  expect(picked).toEqual(new Set(['http://127.0.0.1:7001', 'http://127.0.0.1:7002']));

  await two.close();
  await waitFor(() => directory.instances('shop', 'till').length === 1, { what: 'the stopped one gone' });
  expect(pool.pick()).toBe('http://127.0.0.1:7001');
  await one.close();
  // None listed: the configured URL.
  await waitFor(() => directory.instances('shop', 'till').length === 0, { what: 'none left' });
  expect(pool.pick()).toBe('http://127.0.0.1:7000');
  directory.close();
});

it('forgets an instance that stops beating within the TTL, and a late directory sees the live ones at once', async () => {
  // Its own connection, closed below as a crash would close it: no deregistration, the heartbeat just stops.
  const dyingBus = await connectBus({ url: nats.url, name: 'dying', logger });
  const dying = registerInstance({ bus: dyingBus, logger, entry: entry('clerk', 7011), heartbeatMs: 200 });
  const staying = registerInstance({ bus, logger, entry: entry('clerk', 7012), heartbeatMs: 200 });
  const directory = openDirectory({ bus, logger, ttlMs: 1_000 });
  await directory.ready;
  await waitFor(() => directory.instances('shop', 'clerk').length === 2, { what: 'both instances' });
  await dyingBus.close();
  await waitFor(() => directory.instances('shop', 'clerk').length === 1, { what: 'the silent one forgotten', timeoutMs: 5_000 });
  expect(directory.instances('shop', 'clerk')[0]!.url).toBe('http://127.0.0.1:7012');

  const late = openDirectory({ bus, logger });
  await late.ready;
  expect(late.instances('shop', 'clerk').map((e) => e.url)).toContain('http://127.0.0.1:7012');
  late.close();
  directory.close();
  await staying.close();
  await dying.close();
});

it('keeps the instances it knew while NATS is away, and catches up when it is back', async () => {
  const one = registerInstance({ bus, logger, entry: entry('cashier', 7021), heartbeatMs: 200 });
  const directory = openDirectory({ bus, logger, ttlMs: 1_000 });
  await waitFor(() => directory.instances('shop', 'cashier').length === 1, { what: 'the instance' });
  await nats.stop();
  await waitFor(() => !directory.isLive(), { what: 'the directory to notice' });
  // Far past the TTL with no heartbeat heard: still there, since nobody could hear one.
  await new Promise((r) => setTimeout(r, 1_500));
  expect(directory.instances('shop', 'cashier').map((e) => e.url)).toEqual(['http://127.0.0.1:7021']);
  await nats.start();
  await waitFor(() => directory.isLive(), { what: 'live again', timeoutMs: 10_000 });
  const two = registerInstance({ bus, logger, entry: entry('cashier', 7022), heartbeatMs: 200 });
  await waitFor(() => directory.instances('shop', 'cashier').length === 2, { what: 'a new instance seen', timeoutMs: 10_000 });
  directory.close();
  await one.close();
  await two.close();
}, 30_000);
