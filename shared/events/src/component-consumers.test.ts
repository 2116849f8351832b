import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '@retail/kernel';
import { waitFor } from '@retail/testing';
import { cellInstances, defineCell } from '@retail/descriptor';
import type { Bus } from './connection.ts';
import { createEvent, wireSubject } from './cloudevent.ts';
import { startComponentConsumers } from './component-consumers.ts';
import type { RemoteEventHandler, RunningConsumer } from './consumer.ts';
import { startTestBus, type TestBus } from './testing.ts';

const logger = createLogger({ name: 't', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

const cell = defineCell({
  name: 'shop',
  summary: 'test',
  stream: 'SHOP',
  gateway: { port: 1 },
  components: [{ name: 'reader', kind: 'composite', port: 2, summary: 'x', consumes: [{ stream: 'OTHER', subject: 'other.thing.made' }] }],
  routes: [],
});
const handler = { schema: z.object({}), apply: async () => {} };

it('refuses handlers that do not match what the descriptor declares', () => {
  const options = { bus: {} as Bus, cell, system: [cell], component: 'reader', logger };
  expect(() => startComponentConsumers({ ...options, handlers: {} })).toThrow(/declares \[other.thing.made\]/);
  expect(() => startComponentConsumers({ ...options, handlers: { 'other.thing.made': handler, 'other.thing.lost': handler } })).toThrow(
    /handlers for/,
  );
});

/**
 * A partitioned cell `till` (2 copies, streams TILL_1 and TILL_2) placing orders, and a global cell
 * `stock` answering each to the partition that placed it; stock also reads its own answers, from all.
 */
const till = defineCell({
  name: 'till',
  summary: 'partitioned',
  stream: 'TILL',
  gateway: { port: 1 },
  partitions: { key: 'customer', count: 2 },
  components: [
    { name: 'core', kind: 'core', port: 2, publishes: ['till.order.placed'], summary: 'places orders' },
    {
      name: 'reader',
      kind: 'composite',
      port: 3,
      consumes: [{ stream: 'STOCK', subject: 'stock.reservation.confirmed' }],
      summary: 'reads its answers',
    },
  ],
  routes: [],
});
const stock = defineCell({
  name: 'stock',
  summary: 'global',
  stream: 'STOCK',
  gateway: { port: 4 },
  components: [
    {
      name: 'allocation',
      kind: 'core',
      port: 5,
      publishes: ['stock.reservation.confirmed'],
      addressed: ['stock.reservation.confirmed'],
      consumes: [
        { stream: 'TILL', subject: 'till.order.placed' },
        { stream: 'STOCK', subject: 'stock.reservation.confirmed' },
      ],
      summary: 'answers orders',
    },
  ],
  routes: [],
});

describe('the consumers of a system with a partitioned cell', () => {
  const system = cellInstances([till, stock]);
  const [till1, till2] = system;
  let test: TestBus;
  let consumers: RunningConsumer[];
  const seen: Array<{ by: string; type: string; partition?: string; n: number }> = [];
  const recorder = (by: string): RemoteEventHandler<{ n: number }> => ({
    schema: z.object({ n: z.number() }),
    apply: async ({ n }, event) => void seen.push({ by, type: event.type, partition: event.partition, n }),
  });

  beforeAll(async () => {
    test = await startTestBus({ name: 'component-consumers-test', logger, cells: system });
    const { bus } = test;
    const stockHandlers = { 'till.order.placed': recorder('stock'), 'stock.reservation.confirmed': recorder('stock') };
    consumers = [
      ...startComponentConsumers({ bus, cell: stock, system, component: 'allocation', handlers: stockHandlers, logger }),
      ...[till1!, till2!].flatMap((p) =>
        startComponentConsumers({
          bus,
          cell: p,
          system,
          component: 'reader',
          handlers: { 'stock.reservation.confirmed': recorder(p.partition!) },
          logger,
        }),
      ),
    ];
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await test.dispose();
  });

  it('give a global reader every partition’s events, and a partition only the answers addressed to it', async () => {
    const { bus } = test;
    const publish = async (event: ReturnType<typeof createEvent>) => void (await bus.js.publish(wireSubject(event), JSON.stringify(event)));
    await publish(
      createEvent({ source: '/cells/till-1/core', partition: 'till-1', type: 'till.order.placed', subject: 'o1', data: { n: 1 } }),
    );
    await publish(
      createEvent({ source: '/cells/till-2/core', partition: 'till-2', type: 'till.order.placed', subject: 'o2', data: { n: 2 } }),
    );
    await publish(
      createEvent({
        source: '/cells/stock/allocation',
        partition: 'till-2',
        type: 'stock.reservation.confirmed',
        subject: 'o2',
        data: { n: 3 },
      }),
    );
    await waitFor(() => seen.length === 4 || undefined, { what: 'four events handled' });
    expect([...seen].sort((a, b) => a.n - b.n || a.by.localeCompare(b.by))).toEqual([
      { by: 'stock', type: 'till.order.placed', partition: 'till-1', n: 1 },
      { by: 'stock', type: 'till.order.placed', partition: 'till-2', n: 2 },
      { by: 'stock', type: 'stock.reservation.confirmed', partition: 'till-2', n: 3 },
      { by: 'till-2', type: 'stock.reservation.confirmed', partition: 'till-2', n: 3 },
    ]);
    // One durable per partition stream for the global reader; till-1's reader was never handed till-2's answer.
    const durable = (stream: string, name: string) => bus.jsm.consumers.info(stream, name);
    expect((await durable('TILL_1', 'stock-allocation')).config.filter_subject).toBe('till.till-1.order.placed');
    expect((await durable('TILL_2', 'stock-allocation')).config.filter_subject).toBe('till.till-2.order.placed');
    expect((await durable('STOCK', 'stock-allocation')).config.filter_subject).toBe('stock.*.reservation.confirmed');
    const firstReader = await durable('STOCK', 'till-1-reader');
    expect(firstReader.config.filter_subject).toBe('stock.till-1.reservation.confirmed');
    expect(firstReader.delivered.consumer_seq).toBe(0);
  });
});
