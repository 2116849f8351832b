import { expect, it } from 'vitest';
import { firstDelivery } from './inbox.ts';
import { inbox } from './tables.ts';
import { memoryDatabase } from './test-database.ts';

const database = () => memoryDatabase('CREATE TABLE inbox (event_id text PRIMARY KEY NOT NULL, consumer text NOT NULL, type text NOT NULL, received_at integer NOT NULL)');

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
