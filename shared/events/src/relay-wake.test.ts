import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '@retail/kernel';
import { waitFor } from '@retail/testing';
import { appendToOutbox, createEvent, startOutboxRelay, type Bus } from './index.ts';
import { startTestBus, type TestBus } from './testing.ts';

/** A relay that would not look on its own for a minute: only the wake after a commit can publish in time. */
const logger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let test: TestBus;
let bus: Bus;

beforeAll(async () => {
  test = await startTestBus({ name: 'relay-wake-test', logger, streams: ['WAKE'] });
  ({ bus } = test);
});
afterAll(() => test.dispose());

function producerDb() {
  const sqlite = new Database(':memory:');
  sqlite.exec(`create table outbox (seq integer primary key autoincrement, id text not null unique, subject text not null, payload text not null,
      headers text not null default '{}', created_at integer not null, sent_at integer);
    create table inbox (event_id text primary key, consumer text not null, type text not null, received_at integer not null);`);
  return drizzle(sqlite);
}

const noted = (note: string) => createEvent({ source: '/test', type: 'wake.thing.noted', subject: note, data: { note } });
const stored = async () => {
  const info = await bus.jsm.streams.info('WAKE', { subjects_filter: 'wake.thing.noted' });
  return info.state.subjects?.['wake.thing.noted'] ?? 0;
};

it('publishes an event appended in a committed transaction at once, without being told, and nothing of a rolled-back one', async () => {
  const db = producerDb();
  const relay = startOutboxRelay({ db, js: bus.js, logger, intervalMs: 60_000 });
  try {
    await new Promise((r) => setTimeout(r, 100)); // its first look found nothing: it sleeps for a minute now

    expect(() =>
      db.transaction((tx) => {
        appendToOutbox(tx, noted('rolled back'));
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    db.transaction((tx) => {
      appendToOutbox(tx, noted('first'));
      appendToOutbox(tx, noted('second'));
    });
    // Within seconds, where the relay's own next look is a minute away.
    await waitFor(async () => (await stored()) === 2 || undefined, { timeoutMs: 5_000, what: 'both committed events on the stream' });
    expect(relay.backlog()).toBe(0);

    await new Promise((r) => setTimeout(r, 200));
    expect(await stored()).toBe(2); // the rolled-back event never went out
    const subjects = await Promise.all(
      [1, 2].map(async (seq) => (await bus.jsm.streams.getMessage('WAKE', { seq }))!.json<{ subject: string }>().subject),
    );
    expect(subjects).toEqual(['first', 'second']);
  } finally {
    await relay.stop();
  }
});

it('stops being woken once stopped: a later commit stays in the outbox', async () => {
  const db = producerDb();
  const relay = startOutboxRelay({ db, js: bus.js, logger, intervalMs: 60_000 });
  await relay.stop();
  const before = await stored();
  db.transaction((tx) => appendToOutbox(tx, noted('after stop')));
  await new Promise((r) => setTimeout(r, 300));
  expect(await stored()).toBe(before);
});
