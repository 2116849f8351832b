import { describe, expect, it } from 'vitest';
import { firstDelivery, purgeInbox } from './inbox.ts';
import { inbox } from './tables.ts';
import { memoryDatabase } from '../test/test-database.ts';

const database = () =>
  memoryDatabase(
    'CREATE TABLE inbox (event_id text PRIMARY KEY NOT NULL, consumer text NOT NULL, type text NOT NULL, received_at integer NOT NULL)',
  );

it('says an event is new once; a redelivery is recognised, and a rolled-back effect forgets the event', () => {
  const db = database();
  const entry = { eventId: 'evt-1', consumer: 'orders-orders', type: 'transition:CONFIRMED' };
  expect(db.transaction((tx) => firstDelivery(tx, entry))).toBe(true);
  expect(db.transaction((tx) => firstDelivery(tx, entry))).toBe(false);
  expect(() =>
    db.transaction((tx) => {
      firstDelivery(tx, { ...entry, eventId: 'evt-2' });
      throw new Error('the effect failed');
    }),
  ).toThrow('the effect failed');
  expect(db.transaction((tx) => firstDelivery(tx, { ...entry, eventId: 'evt-2' }))).toBe(true);
  expect(db.select({ eventId: inbox.eventId }).from(inbox).all()).toEqual([{ eventId: 'evt-1' }, { eventId: 'evt-2' }]);
});

describe('purging the inbox', () => {
  const day = 24 * 60 * 60_000;
  const now = 100 * day;
  const record = (db: ReturnType<typeof database>, eventId: string, receivedAt: number) =>
    db.transaction((tx) => firstDelivery(tx, { eventId, consumer: 'orders-orders', type: 'x', receivedAt }));
  const ids = (db: ReturnType<typeof database>) =>
    db
      .select({ eventId: inbox.eventId })
      .from(inbox)
      .all()
      .map((r) => r.eventId);

  it('forgets entries older than the retention and keeps recent ones, which still stop a redelivery', () => {
    const db = database();
    record(db, 'evt-old', now - 9 * day);
    record(db, 'evt-recent', now - 2 * day);
    expect(purgeInbox(db, { before: now - 8 * day })).toBe(1);
    expect(ids(db)).toEqual(['evt-recent']);
    // A redelivery of the recent event inside the window is still a redelivery.
    expect(record(db, 'evt-recent', now)).toBe(false);
    expect(purgeInbox(db, { before: now - 8 * day })).toBe(0);
  });

  it('works off a long backlog `limit` rows at a time, and never deletes a row received out of order early', () => {
    const db = database();
    for (let i = 0; i < 5; i++) record(db, `evt-old-${i}`, now - 10 * day + i);
    record(db, 'evt-late-clock', now); // recorded among old ones, with a recent time
    record(db, 'evt-old-5', now - 10 * day);
    expect(purgeInbox(db, { before: now - 8 * day, limit: 3 })).toBe(3);
    expect(purgeInbox(db, { before: now - 8 * day, limit: 3 })).toBe(2);
    expect(purgeInbox(db, { before: now - 8 * day, limit: 3 })).toBe(1);
    expect(purgeInbox(db, { before: now - 8 * day, limit: 3 })).toBe(0);
    expect(ids(db)).toEqual(['evt-late-clock']);
  });
});
