import { afterAll, beforeAll, expect, it } from 'vitest';
import { nanos } from '@nats-io/transport-node';
import { createLogger } from '@retail/kernel';
import { startTestNats, type TestNats } from '@retail/testing';
import { defineCell, DEFAULT_STREAM_MAX_BYTES, MAX_EVENT_AGE_DAYS, partitionOf } from '@retail/descriptor';
import { connectCellBus } from './cell-bus.ts';
import { connectBus, type Bus } from './connection.ts';
import { cellStream, ensureStream } from './streams.ts';

const logger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const day = 24 * 60 * 60_000;
let nats: TestNats;
let bus: Bus;

beforeAll(async () => {
  nats = await startTestNats();
  bus = await connectBus({ url: nats.url, name: 'streams-test', logger });
});
afterAll(async () => {
  await bus.close();
  await nats.dispose();
});

const limits = async (name: string) => {
  const { config } = await bus.jsm.streams.info(name);
  return { subjects: config.subjects, maxAge: config.max_age, maxBytes: config.max_bytes };
};

it('creates a cell’s stream with the age and size limits of its descriptor', async () => {
  const cell = defineCell({
    name: 'kept',
    summary: 'x',
    stream: 'KEPT',
    gateway: { port: 1 },
    components: [],
    routes: [],
    retention: { maxAgeDays: 2, maxBytes: 64 * 1024 ** 2 },
  });
  const cellBus = await connectCellBus({ cell, component: 'core', env: { NATS_URL: nats.url }, logger });
  await cellBus.close();
  expect(await limits('KEPT')).toEqual({ subjects: ['kept.>'], maxAge: nanos(2 * day), maxBytes: 64 * 1024 ** 2 });
});

it('gives an existing stream without limits the defaults, and moves limits that differ from the spec', async () => {
  await bus.jsm.streams.add({ name: 'OLD', subjects: ['old.>'] }); // as streams were made before there were limits
  expect(await limits('OLD')).toMatchObject({ maxAge: 0, maxBytes: -1 });

  await ensureStream(bus.jsm, { name: 'OLD', subjects: ['old.>'] });
  expect(await limits('OLD')).toEqual({ subjects: ['old.>'], maxAge: nanos(MAX_EVENT_AGE_DAYS * day), maxBytes: DEFAULT_STREAM_MAX_BYTES });

  await ensureStream(bus.jsm, { name: 'OLD', subjects: ['old.>', 'older.>'], maxAgeMs: day, maxBytes: 1024 ** 2 });
  expect(await limits('OLD')).toEqual({ subjects: ['old.>', 'older.>'], maxAge: nanos(day), maxBytes: 1024 ** 2 });

  // Without limits in the spec, limits a stream already has stay as they are.
  await ensureStream(bus.jsm, { name: 'OLD', subjects: ['old.>', 'older.>'] });
  expect(await limits('OLD')).toMatchObject({ maxAge: nanos(day), maxBytes: 1024 ** 2 });
});

it('gives a partition of a partitioned cell its own stream, on its own subjects, and refuses another partition’s NATS user', async () => {
  const till = defineCell({
    name: 'till',
    summary: 'x',
    stream: 'TILL',
    gateway: { port: 1 },
    partitions: { key: 'customer', count: 2 },
    components: [],
    routes: [],
  });
  const second = partitionOf(till, 'till-2', 2);
  const cellBus = await connectCellBus({ cell: second, component: 'core', env: { NATS_URL: nats.url }, logger });
  await cellBus.close();
  expect((await limits('TILL_2')).subjects).toEqual(['till.till-2.>']);
  await expect(
    connectCellBus({ cell: second, component: 'core', env: { NATS_URL: nats.url, NATS_USER: 'till-1', NATS_PASS: 'x' }, logger }),
  ).rejects.toThrow(
    'partition till-2 was given the NATS credentials of till-1: each partition connects as its own user (NATS_USER=till-2)',
  );
});

it('names the stream in the way when one from an earlier layout captures a partition’s subjects', async () => {
  // What a NATS store from before the orders cell was partitioned holds: ORDERS on every orders subject.
  await bus.jsm.streams.add({ name: 'LEGACY', subjects: ['legacy.>'] });
  const legacy = defineCell({
    name: 'legacy',
    summary: 'x',
    stream: 'LEGACY',
    gateway: { port: 1 },
    components: [],
    routes: [],
    partitions: { key: 'customer', count: 2 },
  });
  await expect(ensureStream(bus.jsm, cellStream(partitionOf(legacy, 'legacy-2', 2)))).rejects.toThrow(
    /stream LEGACY_2 \(legacy\.legacy-2\.>\) cannot be created: stream LEGACY already captures legacy\.>\. .*delete stream LEGACY, or start with fresh data/,
  );
  expect((await bus.jsm.streams.names().next()).includes('LEGACY_2')).toBe(false);
});
