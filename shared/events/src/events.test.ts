import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firstDelivery, inbox, outbox } from '@retail/data';
import { outboxSubjects } from '@retail/data/testing';
import { createLogger } from '@retail/kernel';
import { waitFor } from '@retail/testing';
import { inboxRetentionMs } from '@retail/descriptor';
import {
  appendStateToOutbox,
  appendToOutbox,
  createEvent,
  startConsumer,
  startOutboxRelay,
  type Bus,
  type LocalEventHandler,
  type RemoteEventHandler,
} from './index.ts';
import { startTestBus, type TestBus } from './testing.ts';

/** The event machinery against a real nats-server with JetStream file storage. */
const effects = sqliteTable('effects', { id: integer('id').primaryKey({ autoIncrement: true }), note: text('note').notNull() });

function testDb() {
  const sqlite = new Database(':memory:');
  sqlite.exec(`
    create table outbox (seq integer primary key autoincrement, id text not null unique, subject text not null, payload text not null,
      headers text not null default '{}', created_at integer not null, sent_at integer);
    create table inbox (event_id text primary key, consumer text not null, type text not null, received_at integer not null);
    create table effects (id integer primary key autoincrement, note text not null);`);
  return drizzle(sqlite);
}

const logger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let test: TestBus;
let bus: Bus;

beforeAll(async () => {
  test = await startTestBus({ name: 'events-test', logger, streams: ['SHOP'] });
  ({ bus } = test);
});
afterAll(() => test.dispose());

const noted: LocalEventHandler<{ note: string }> = {
  schema: z.object({ note: z.string().min(1) }),
  handle: (tx, data) => {
    tx.insert(effects).values({ note: data.note }).run();
  },
};

const event = (note: unknown, type = 'shop.thing.noted') => createEvent({ source: '/test', type, subject: 'x', data: { note } });

type ShopConsumer = Omit<Parameters<typeof startConsumer>[0], 'bus' | 'stream' | 'durable' | 'deadLetterSubject' | 'logger'>;

/** A consumer of the SHOP stream, durable `shop-<name>`, its dead letters on `shop.dlq.<name>`. */
const consumeShop = (name: string, options: ShopConsumer) =>
  startConsumer({ bus, stream: 'SHOP', durable: `shop-${name}`, deadLetterSubject: `shop.dlq.${name}`, logger, ...options });

/** The notes the handlers wrote, in the order they were applied. */
const notesIn = (db: ReturnType<typeof testDb>) =>
  db
    .select()
    .from(effects)
    .all()
    .map((e) => e.note);

async function dlqMessages(subject: string) {
  const info = await bus.jsm.streams.info('SHOP', { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

describe('outbox → JetStream → idempotent consumer', () => {
  it('delivers each event once, in order, and applies it once even when published twice', async () => {
    const producer = testDb();
    const consumer = testDb();
    const relay = startOutboxRelay({ db: producer, js: bus.js, logger, intervalMs: 20 });
    const sub = consumeShop('a', { db: consumer, handlers: { 'shop.thing.noted': noted } });

    const first = event('first');
    producer.transaction((tx) => {
      appendToOutbox(tx, first);
      appendToOutbox(tx, event('second'));
    });
    await waitFor(() => consumer.select().from(effects).all().length === 2 || undefined, { what: 'two effects' });
    expect(
      producer
        .select()
        .from(outbox)
        .all()
        .every((r) => r.sentAt !== null),
    ).toBe(true);

    // The same CloudEvent published again under a new message id: the inbox makes it harmless.
    await bus.js.publish('shop.thing.noted', JSON.stringify(first), { msgID: `${first.id}-again` });
    // …and under its own id within the duplicate window: JetStream drops it.
    const ack = await bus.js.publish('shop.thing.noted', JSON.stringify(first), { msgID: first.id });
    expect(ack.duplicate).toBe(true);
    producer.transaction((tx) => appendToOutbox(tx, event('third')));
    await waitFor(() => consumer.select().from(effects).all().length === 3 || undefined, { what: 'third effect' });
    expect(notesIn(consumer)).toEqual(['first', 'second', 'third']);

    await relay.stop();
    await sub.stop();
  });

  it('handles events about different things at once, and events about one thing in stream order', async () => {
    const seen: string[] = [];
    const slowFirst: RemoteEventHandler<{ note: string }> = {
      schema: z.object({ note: z.string() }),
      apply: async (data) => {
        if (data.note === 'a1') await new Promise((r) => setTimeout(r, 400));
        seen.push(data.note);
      },
    };
    const sub = consumeShop('lanes', { handlers: { 'shop.lane.noted': slowFirst }, concurrency: 4 });
    const publish = (note: string, subject: string) =>
      bus.js.publish('shop.lane.noted', JSON.stringify(createEvent({ source: '/test', type: 'shop.lane.noted', subject, data: { note } })));
    for (const [note, subject] of [
      ['a1', 'a'],
      ['b1', 'b'],
      ['a2', 'a'],
      ['b2', 'b'],
      ['a3', 'a'],
    ] as const)
      await publish(note, subject);
    await waitFor(() => seen.length === 5 || undefined, { what: 'all five events handled' });
    await sub.stop();
    // b's events did not wait for a1's slow handler; a's stayed in order behind it.
    expect(seen.indexOf('b2')).toBeLessThan(seen.indexOf('a1'));
    expect(seen.filter((n) => n.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
  });

  it('dead-letters malformed, unknown and invalid events and keeps consuming', async () => {
    const db = testDb();
    const sub = consumeShop('b', { db, handlers: { 'shop.bad.noted': noted } });
    await bus.js.publish('shop.bad.noted', 'this is not json');
    await bus.js.publish('shop.bad.noted', JSON.stringify({ hello: 'not a cloudevent' }));
    await bus.js.publish('shop.bad.noted', JSON.stringify(event('', 'shop.bad.noted')));
    await bus.js.publish('shop.bad.noted', JSON.stringify(event('ok', 'shop.other.type')));
    await bus.js.publish('shop.bad.noted', JSON.stringify(event('valid after garbage', 'shop.bad.noted')));
    await waitFor(() => db.select().from(effects).all().length === 1 || undefined, { what: 'the valid event' });
    await waitFor(async () => (await dlqMessages('shop.dlq.b')) === 4 || undefined, { what: 'four dead letters' });
    expect(db.select().from(effects).all()[0]!.note).toBe('valid after garbage');
    await sub.stop();
  });

  it('retries a failing handler, then dead-letters it after max deliveries with the reason', async () => {
    const db = testDb();
    let attempts = 0;
    const flaky: LocalEventHandler<{ note: string }> = {
      schema: noted.schema,
      handle: (tx, data) => {
        if (data.note === 'poison') {
          attempts++;
          throw new Error('cannot apply');
        }
        noted.handle(tx, data, event(data.note) as never);
      },
    };
    const sub = consumeShop('c', { db, handlers: { 'shop.flaky.noted': flaky }, maxDeliver: 3 });
    await bus.js.publish('shop.flaky.noted', JSON.stringify(event('poison', 'shop.flaky.noted')));
    await bus.js.publish('shop.flaky.noted', JSON.stringify(event('fine', 'shop.flaky.noted')));
    await waitFor(async () => (await dlqMessages('shop.dlq.c')) === 1 || undefined, { what: 'the poison message in the DLQ' });
    expect(attempts).toBe(3);
    expect(notesIn(db)).toEqual(['fine']);
    const dead = await bus.jsm.streams.getMessage('SHOP', { last_by_subj: 'shop.dlq.c' });
    expect(dead?.header.get('Dlq-Reason')).toMatch(/handler failed 3 times: cannot apply/);
    expect(dead?.header.get('Dlq-Original-Subject')).toBe('shop.flaky.noted');
    await sub.stop();
  });

  it('sends a burst of states of one thing as its last state, keeps every other thing’s, and never drops an event', async () => {
    const producer = testDb();
    const consumer = testDb();
    const state = (note: string, subject: string) => createEvent({ source: '/test', type: 'shop.level.changed', subject, data: { note } });
    // Written while no relay runs (as during a burst, before the relay's next round): the states of
    // `a` supersede one another; `b`'s stands; an event that says what happened is never superseded.
    producer.transaction((tx) => {
      appendStateToOutbox(tx, state('a1', 'a'));
      appendToOutbox(tx, event('happened', 'shop.level.changed'));
      appendStateToOutbox(tx, state('b1', 'b'));
      appendStateToOutbox(tx, state('a2', 'a'));
    });
    producer.transaction((tx) => appendStateToOutbox(tx, state('a3', 'a')));
    expect(
      producer
        .select()
        .from(outbox)
        .all()
        .map((r) => JSON.parse(r.payload).data.note),
    ).toEqual(['happened', 'b1', 'a3']);

    const relay = startOutboxRelay({ db: producer, js: bus.js, logger, intervalMs: 20 });
    const sub = consumeShop('state', { db: consumer, handlers: { 'shop.level.changed': noted } });
    await waitFor(() => notesIn(consumer).length === 3 || undefined, { what: 'three effects' });
    // Sent states are history: a new one after them is published as well.
    producer.transaction((tx) => appendStateToOutbox(tx, state('a4', 'a')));
    await waitFor(() => notesIn(consumer).length === 4 || undefined, { what: 'the fourth effect' });
    // Different things may be handled side by side; one thing's states in order.
    expect(notesIn(consumer).sort()).toEqual(['a3', 'a4', 'b1', 'happened']);
    expect(notesIn(consumer).filter((n) => n.startsWith('a'))).toEqual(['a3', 'a4']);
    expect(relay.backlog()).toBe(0);
    await relay.stop();
    await sub.stop();
  });

  it('loses nothing while NATS is down: the outbox holds events until the server is back', async () => {
    const producer = testDb();
    const consumer = testDb();
    const relay = startOutboxRelay({ db: producer, js: bus.js, logger, intervalMs: 20 });
    const sub = consumeShop('d', { db: consumer, handlers: { 'shop.restart.noted': noted } });
    await test.nats.stop();
    for (let i = 0; i < 20; i++) producer.transaction((tx) => appendToOutbox(tx, event(`during-outage-${i}`, 'shop.restart.noted')));
    await new Promise((r) => setTimeout(r, 300));
    expect(relay.backlog()).toBe(20);
    await test.nats.start();
    await waitFor(() => consumer.select().from(effects).all().length === 20 || undefined, {
      timeoutMs: 25_000,
      what: 'all 20 events after the restart',
    });
    expect(relay.backlog()).toBe(0);
    expect(new Set(notesIn(consumer)).size).toBe(20);
    await relay.stop();
    await sub.stop();
  });

  it('hands an event addressed to a partition to the handler of its plain subject, and dead-letters one not on its own subject', async () => {
    const producer = testDb();
    const consumer = testDb();
    const relay = startOutboxRelay({ db: producer, js: bus.js, logger, intervalMs: 20 });
    // A reader of every partition's parcels, as a global cell reads the answers it addressed.
    const sub = consumeShop('p', { db: consumer, handlers: { 'shop.parcel.noted': noted }, filter: 'shop.*.parcel.noted' });
    const parcel = (note: string, partition?: string) =>
      createEvent({ source: '/test', ...(partition ? { partition } : {}), type: 'shop.parcel.noted', subject: 'x', data: { note } });

    producer.transaction((tx) => appendToOutbox(tx, parcel('addressed', 'shop-2')));
    // Envelopes whose partition is not the one their subject names: another partition's, or none.
    await bus.js.publish('shop.shop-1.parcel.noted', JSON.stringify(parcel('another partition’s', 'shop-2')));
    await bus.js.publish('shop.shop-1.parcel.noted', JSON.stringify(parcel('no partition')));
    await waitFor(() => notesIn(consumer).length === 1 || undefined, { what: 'the addressed event' });
    await waitFor(async () => (await dlqMessages('shop.dlq.p')) === 2 || undefined, { what: 'two dead letters' });
    expect(notesIn(consumer)).toEqual(['addressed']);
    expect(outboxSubjects(producer)).toEqual(['shop.shop-2.parcel.noted']);
    const dead = await bus.jsm.streams.getMessage('SHOP', { last_by_subj: 'shop.dlq.p' });
    expect(dead?.header.get('Dlq-Reason')).toBe('shop.parcel.noted about no partition arrived on shop.shop-1.parcel.noted');
    await relay.stop();
    await sub.stop();
  });

  it('forgets inbox ids older than the retention while it runs, and still recognises a recent redelivery', async () => {
    const db = testDb();
    const longAgo = Date.now() - inboxRetentionMs - 60_000;
    db.transaction((tx) =>
      firstDelivery(tx, { eventId: 'evt-long-ago', consumer: 'shop-e', type: 'shop.purge.noted', receivedAt: longAgo }),
    );
    const sub = consumeShop('e', { db, handlers: { 'shop.purge.noted': noted } });
    const recent = event('recent', 'shop.purge.noted');
    await bus.js.publish('shop.purge.noted', JSON.stringify(recent), { msgID: recent.id });
    await waitFor(() => db.select().from(effects).all().length === 1 || undefined, { what: 'the recent event applied' });
    await waitFor(
      () =>
        !db
          .select()
          .from(inbox)
          .all()
          .some((r) => r.eventId === 'evt-long-ago') || undefined,
      { what: 'the old id purged' },
    );
    // The same event again under another message id (as JetStream's duplicate window no longer catches it).
    await bus.js.publish('shop.purge.noted', JSON.stringify(recent), { msgID: `${recent.id}-again` });
    await waitFor(() => sub.handled() === 2 || undefined, { what: 'the redelivery handled' });
    expect(notesIn(db)).toEqual(['recent']);
    expect(db.select({ eventId: inbox.eventId }).from(inbox).all()).toEqual([{ eventId: recent.id }]);
    await sub.stop();
  });
});
