import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inbox, outbox } from '@retail/data';
import { outboxSubjects } from '@retail/data/testing';
import { json } from '@retail/testing';
import { stockTestApp } from '../../test/test-app.ts';
import { caller, outboxEvents, stockUp, type TestApp } from '../../test/test-support.ts';

let t: TestApp;
const call = caller(() => t);
let keys = 0;
const freshKey = () => `event-${++keys}-0000`;

beforeEach(async () => {
  t = await stockTestApp();
  stockUp(t.db, { 'KIT-PAN': 10, 'OUT-TENT': 3, 'HOM-LAMP': 0 });
});
afterEach(() => t.close());

type Line = { sku: string; quantity: number };
/** As allocation reserves for an order of `partition` (the orders partition that placed it). */
const reserve = (orderId: string, lines: Line[], key = freshKey(), token = t.allocation, partition = 'orders-1') =>
  call('POST', '/reservations', { token, body: { orderId, partition, lines }, headers: { 'idempotency-key': key } });
const release = (orderId: string, key = freshKey(), token = t.allocation) =>
  call('POST', `/reservations/${orderId}/release`, { token, headers: { 'idempotency-key': key } });
const commit = (orderId: string, key = freshKey(), token = t.allocation) =>
  call('POST', `/reservations/${orderId}/commit`, { token, headers: { 'idempotency-key': key } });
const level = async (sku: string) => json(await call('GET', `/inventory/${sku}`, { token: t.anonymous }));
const clearOutbox = () => t.db.delete(outbox).run();

describe('reserve: every line or none', () => {
  it('reserves every line, answers RESERVED and announces the confirmation and each SKU’s new level', async () => {
    const res = await reserve('order-1', [
      { sku: 'KIT-PAN', quantity: 4 },
      { sku: 'OUT-TENT', quantity: 3 },
    ]);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ orderId: 'order-1', status: 'RESERVED' });
    expect(await level('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 10, reserved: 4, available: 6 });
    expect(await level('OUT-TENT')).toEqual({ sku: 'OUT-TENT', onHand: 3, reserved: 3, available: 0 });
    expect(outboxEvents(t.db)).toEqual([
      {
        type: 'inventory.reservation.confirmed',
        partition: 'orders-1',
        subject: 'order-1',
        data: {
          orderId: 'order-1',
          lines: [
            { sku: 'KIT-PAN', quantity: 4 },
            { sku: 'OUT-TENT', quantity: 3 },
          ],
        },
      },
      { type: 'inventory.stock.changed', subject: 'KIT-PAN', data: { sku: 'KIT-PAN', onHand: 10, reserved: 4, available: 6 } },
      { type: 'inventory.stock.changed', subject: 'OUT-TENT', data: { sku: 'OUT-TENT', onHand: 3, reserved: 3, available: 0 } },
    ]);
    // The answer goes to the orders partition that placed the order; the levels are everyone's.
    expect(outboxSubjects(t.db)).toEqual([
      'inventory.orders-1.reservation.confirmed',
      'inventory.stock.changed',
      'inventory.stock.changed',
    ]);
  });

  it('addresses its answers to the partition that placed the order: orders-2’s go out on inventory.orders-2.reservation.*', async () => {
    expect(await json(await reserve('order-p2', [{ sku: 'KIT-PAN', quantity: 1 }], freshKey(), t.allocation, 'orders-2'))).toEqual({
      orderId: 'order-p2',
      status: 'RESERVED',
    });
    expect(await json(await reserve('order-p2-short', [{ sku: 'HOM-LAMP', quantity: 1 }], freshKey(), t.allocation, 'orders-2'))).toEqual({
      orderId: 'order-p2-short',
      status: 'REJECTED',
    });
    expect(outboxSubjects(t.db)).toEqual([
      'inventory.orders-2.reservation.confirmed',
      'inventory.stock.changed',
      'inventory.orders-2.reservation.rejected',
    ]);
    expect(outboxEvents(t.db).filter((e) => e.type !== 'inventory.stock.changed')).toMatchObject([
      { type: 'inventory.reservation.confirmed', partition: 'orders-2', subject: 'order-p2' },
      { type: 'inventory.reservation.rejected', partition: 'orders-2', subject: 'order-p2-short' },
    ]);
  });

  it('reserves nothing when one line is short, and names every shortage (an unknown SKU has 0 available)', async () => {
    const res = await reserve('order-2', [
      { sku: 'KIT-PAN', quantity: 2 },
      { sku: 'OUT-TENT', quantity: 5 },
      { sku: 'NOPE-404', quantity: 1 },
    ]);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ orderId: 'order-2', status: 'REJECTED' });
    expect(await level('KIT-PAN')).toMatchObject({ reserved: 0, available: 10 });
    expect(await level('OUT-TENT')).toMatchObject({ reserved: 0, available: 3 });
    const events = outboxEvents(t.db);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'inventory.reservation.rejected', partition: 'orders-1', subject: 'order-2' });
    expect(outboxSubjects(t.db)).toEqual(['inventory.orders-1.reservation.rejected']);
    expect(events[0]!.data).toEqual({
      orderId: 'order-2',
      reason: 'insufficient stock for OUT-TENT (5 requested, 3 available); NOPE-404 is not stocked',
      shortages: [
        { sku: 'OUT-TENT', requested: 5, available: 3 },
        { sku: 'NOPE-404', requested: 1, available: 0 },
      ],
    });
  });

  it('rejects an order for a product that is out of stock', async () => {
    expect(await json(await reserve('order-3', [{ sku: 'HOM-LAMP', quantity: 1 }]))).toEqual({ orderId: 'order-3', status: 'REJECTED' });
    expect(outboxEvents(t.db)[0]!.data.shortages).toEqual([{ sku: 'HOM-LAMP', requested: 1, available: 0 }]);
  });

  it('counts two lines of one SKU together', async () => {
    const res = await reserve('order-4', [
      { sku: 'OUT-TENT', quantity: 2 },
      { sku: 'OUT-TENT', quantity: 2 },
    ]);
    expect((await json(res)).status).toBe('REJECTED');
    expect(outboxEvents(t.db)[0]!.data.shortages).toEqual([{ sku: 'OUT-TENT', requested: 4, available: 3 }]);
    await reserve('order-5', [
      { sku: 'KIT-PAN', quantity: 3 },
      { sku: 'KIT-PAN', quantity: 4 },
    ]);
    expect(await level('KIT-PAN')).toMatchObject({ reserved: 7, available: 3 });
  });

  it('does not reserve twice for one order, even under a different key', async () => {
    await reserve('order-6', [{ sku: 'KIT-PAN', quantity: 4 }]);
    clearOutbox();
    const again = await reserve('order-6', [{ sku: 'KIT-PAN', quantity: 4 }]);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual({ orderId: 'order-6', status: 'RESERVED' });
    expect(await level('KIT-PAN')).toMatchObject({ reserved: 4 });
    expect(outboxEvents(t.db)).toEqual([]);
  });

  it('applies one Idempotency-Key once: a replay changes nothing and answers where the order stands', async () => {
    const key = 'c0ffee00-0000-4000-8000-000000000001';
    await reserve('order-7', [{ sku: 'KIT-PAN', quantity: 2 }], key);
    clearOutbox();
    expect(await json(await reserve('order-7', [{ sku: 'KIT-PAN', quantity: 2 }], key))).toEqual({
      orderId: 'order-7',
      status: 'RESERVED',
    });
    // the key is spent even if the body changes: the event it stands for was applied
    expect(await json(await reserve('order-8', [{ sku: 'KIT-PAN', quantity: 2 }], key))).toEqual({ orderId: 'order-8', status: 'NONE' });
    expect(await level('KIT-PAN')).toMatchObject({ reserved: 2 });
    expect(outboxEvents(t.db)).toEqual([]);
    expect(t.db.select().from(inbox).all()).toMatchObject([{ eventId: key, consumer: 'inventory-stock', type: 'reserve' }]);
  });

  it('never oversells: 200 concurrent single-unit orders for 50 units confirm exactly 50', async () => {
    stockUp(t.db, { 'ELE-HOT-ITEM': 50 });
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => json(await reserve(`rush-${i}`, [{ sku: 'ELE-HOT-ITEM', quantity: 1 }]))),
    );
    const statuses: string[] = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 'RESERVED')).toHaveLength(50);
    expect(statuses.filter((s) => s === 'REJECTED')).toHaveLength(150);
    expect(await level('ELE-HOT-ITEM')).toEqual({ sku: 'ELE-HOT-ITEM', onHand: 50, reserved: 50, available: 0 });
    const types = outboxEvents(t.db).map((e) => e.type);
    expect(types.filter((x) => x === 'inventory.reservation.confirmed')).toHaveLength(50);
    expect(types.filter((x) => x === 'inventory.reservation.rejected')).toHaveLength(150);
  });

  it.each([
    ['no lines', { orderId: 'o-1', lines: [] }, 'lines'],
    ['a zero quantity', { orderId: 'o-1', lines: [{ sku: 'KIT-PAN', quantity: 0 }] }, 'lines.0.quantity'],
    ['a fractional quantity', { orderId: 'o-1', lines: [{ sku: 'KIT-PAN', quantity: 1.5 }] }, 'lines.0.quantity'],
    ['a quantity as a string', { orderId: 'o-1', lines: [{ sku: 'KIT-PAN', quantity: '2' }] }, 'lines.0.quantity'],
    ['a malformed SKU', { orderId: 'o-1', lines: [{ sku: 'kit pan', quantity: 1 }] }, 'lines.0.sku'],
    ['a missing orderId', { lines: [{ sku: 'KIT-PAN', quantity: 1 }] }, 'orderId'],
    ['an orderId with a slash', { orderId: 'a/b', lines: [{ sku: 'KIT-PAN', quantity: 1 }] }, 'orderId'],
    ['a missing partition', { orderId: 'o-1', partition: undefined, lines: [{ sku: 'KIT-PAN', quantity: 1 }] }, 'partition'],
    ['a partition that names no partition', { orderId: 'o-1', partition: 'orders', lines: [{ sku: 'KIT-PAN', quantity: 1 }] }, 'partition'],
    ['an unknown field', { orderId: 'o-1', lines: [{ sku: 'KIT-PAN', quantity: 1 }], priority: 'high' }, '(root)'],
  ])('refuses %s with 400 and the field error, changing nothing', async (_name, fields, path) => {
    // A valid command but for the field under test (the partition of an order of orders-1 unless it is that field).
    const body = { partition: 'orders-1', ...fields };
    const res = await call('POST', '/reservations', { token: t.allocation, body, headers: { 'idempotency-key': freshKey() } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const errors: Array<{ path: string }> = (await json(res)).errors;
    expect(errors.map((e) => e.path)).toEqual([path]);
    expect(outboxEvents(t.db)).toEqual([]);
    expect(t.db.select().from(inbox).all()).toEqual([]);
  });

  it('refuses malformed JSON and a missing or malformed Idempotency-Key with 400', async () => {
    const malformed = await call('POST', '/reservations', {
      token: t.allocation,
      raw: '{"orderId":',
      headers: { 'idempotency-key': freshKey() },
    });
    expect(malformed.status).toBe(400);
    const body = { orderId: 'o-1', partition: 'orders-1', lines: [{ sku: 'KIT-PAN', quantity: 1 }] };
    const missing = await call('POST', '/reservations', { token: t.allocation, body });
    expect(missing.status).toBe(400);
    expect((await json(missing)).errors[0].path).toBe('Idempotency-Key');
    expect((await call('POST', '/reservations', { token: t.allocation, body, headers: { 'idempotency-key': 'short' } })).status).toBe(400);
    expect(await level('KIT-PAN')).toMatchObject({ reserved: 0 });
  });
});

describe('release: a cancelled order gives its units back', () => {
  beforeEach(async () => {
    await reserve('order-1', [
      { sku: 'KIT-PAN', quantity: 4 },
      { sku: 'OUT-TENT', quantity: 1 },
    ]);
    clearOutbox();
  });

  it('releases a reservation, announcing the release and each SKU’s level', async () => {
    const res = await release('order-1');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ orderId: 'order-1', status: 'RELEASED' });
    expect(await level('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 10, reserved: 0, available: 10 });
    expect(outboxEvents(t.db)).toEqual([
      { type: 'inventory.stock.changed', subject: 'KIT-PAN', data: { sku: 'KIT-PAN', onHand: 10, reserved: 0, available: 10 } },
      { type: 'inventory.stock.changed', subject: 'OUT-TENT', data: { sku: 'OUT-TENT', onHand: 3, reserved: 0, available: 3 } },
      {
        type: 'inventory.reservation.released',
        subject: 'order-1',
        data: {
          orderId: 'order-1',
          lines: [
            { sku: 'KIT-PAN', quantity: 4 },
            { sku: 'OUT-TENT', quantity: 1 },
          ],
        },
      },
    ]);
  });

  it('releases once: a second release (same or other key) changes nothing', async () => {
    const key = 'cancel-event-0001';
    await release('order-1', key);
    clearOutbox();
    expect(await json(await release('order-1', key))).toEqual({ orderId: 'order-1', status: 'RELEASED' });
    expect(await json(await release('order-1'))).toEqual({ orderId: 'order-1', status: 'RELEASED' });
    expect(await level('KIT-PAN')).toMatchObject({ reserved: 0, onHand: 10 });
    expect(outboxEvents(t.db)).toEqual([]);
  });

  it('does nothing for a rejected or committed order, answering its status', async () => {
    await reserve('order-2', [{ sku: 'HOM-LAMP', quantity: 1 }]);
    await commit('order-1');
    clearOutbox();
    expect(await json(await release('order-2'))).toEqual({ orderId: 'order-2', status: 'REJECTED' });
    expect(await json(await release('order-1'))).toEqual({ orderId: 'order-1', status: 'COMMITTED' });
    expect(await level('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 6, reserved: 0, available: 6 });
    expect(outboxEvents(t.db)).toEqual([]);
  });

  it('answers NONE for an order it never saw, and a reservation arriving after that cancel reserves nothing', async () => {
    expect(await json(await release('order-late'))).toEqual({ orderId: 'order-late', status: 'NONE' });
    const late = await reserve('order-late', [{ sku: 'KIT-PAN', quantity: 2 }]);
    expect(await json(late)).toEqual({ orderId: 'order-late', status: 'RELEASED' });
    expect(await level('KIT-PAN')).toMatchObject({ reserved: 4 });
    expect(outboxEvents(t.db)).toEqual([]);
  });
});

describe('commit: dispatched goods leave the warehouse', () => {
  beforeEach(async () => {
    await reserve('order-1', [
      { sku: 'KIT-PAN', quantity: 4 },
      { sku: 'OUT-TENT', quantity: 3 },
    ]);
    clearOutbox();
  });

  it('takes the reserved units off on-hand and announces each SKU’s level', async () => {
    const res = await commit('order-1');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ orderId: 'order-1', status: 'COMMITTED' });
    expect(await level('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 6, reserved: 0, available: 6 });
    expect(await level('OUT-TENT')).toEqual({ sku: 'OUT-TENT', onHand: 0, reserved: 0, available: 0 });
    expect(outboxEvents(t.db)).toEqual([
      { type: 'inventory.stock.changed', subject: 'KIT-PAN', data: { sku: 'KIT-PAN', onHand: 6, reserved: 0, available: 6 } },
      { type: 'inventory.stock.changed', subject: 'OUT-TENT', data: { sku: 'OUT-TENT', onHand: 0, reserved: 0, available: 0 } },
    ]);
  });

  it('commits once, whatever the key', async () => {
    const key = 'dispatch-event-0001';
    await commit('order-1', key);
    await commit('order-1', key);
    expect(await json(await commit('order-1'))).toEqual({ orderId: 'order-1', status: 'COMMITTED' });
    expect(await level('KIT-PAN')).toMatchObject({ onHand: 6, reserved: 0 });
    expect(outboxEvents(t.db)).toHaveLength(2);
  });

  it('does nothing for a released, rejected or unknown order', async () => {
    await release('order-1');
    await reserve('order-2', [{ sku: 'HOM-LAMP', quantity: 1 }]);
    clearOutbox();
    expect(await json(await commit('order-1'))).toEqual({ orderId: 'order-1', status: 'RELEASED' });
    expect(await json(await commit('order-2'))).toEqual({ orderId: 'order-2', status: 'REJECTED' });
    expect(await json(await commit('order-nobody'))).toEqual({ orderId: 'order-nobody', status: 'NONE' });
    expect(await level('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 10, reserved: 0, available: 10 });
    expect(outboxEvents(t.db)).toEqual([]);
  });

  it('refuses a missing Idempotency-Key and a malformed order id with 400', async () => {
    expect((await call('POST', '/reservations/order-1/commit', { token: t.allocation })).status).toBe(400);
    const long = await commit('x'.repeat(129));
    expect(long.status).toBe(400);
    expect((await json(long)).errors[0].path).toBe('orderId');
    expect(await level('KIT-PAN')).toMatchObject({ onHand: 10, reserved: 4 });
  });
});

describe('reservation commands: only the cell’s own workloads', () => {
  it('refuses a missing token with 401 and a user’s token (even an admin’s) with 403', async () => {
    const body = { orderId: 'o-1', partition: 'orders-1', lines: [{ sku: 'KIT-PAN', quantity: 1 }] };
    const headers = { 'idempotency-key': freshKey() };
    expect((await call('POST', '/reservations', { body, headers })).status).toBe(401);
    expect((await call('POST', '/reservations', { token: t.customer, body, headers })).status).toBe(403);
    expect((await call('POST', '/reservations', { token: t.admin, body, headers })).status).toBe(403);
    expect((await release('order-1', freshKey(), t.admin)).status).toBe(403);
    expect((await commit('order-1', freshKey(), t.customer)).status).toBe(403);
    expect((await call('POST', '/reservations/order-1/release', { headers })).status).toBe(401);
    const otherCell = await t.tokens.sign({ sub: 'service:orders/checkout', scopes: ['inventory:internal'] }, { audience: 'cell:orders' });
    expect((await reserve('o-1', body.lines, freshKey(), otherCell)).status).toBe(401);
    // Of this cell's own workloads, only allocation: the stock core's own token reserves nothing.
    const core = await t.tokens.sign({ sub: 'service:inventory/stock', scopes: ['inventory:internal'] });
    expect((await reserve('o-1', body.lines, freshKey(), core)).status).toBe(403);
    expect(await level('KIT-PAN')).toMatchObject({ reserved: 0 });
    expect(t.db.select().from(inbox).all()).toEqual([]);
  });

  it('answers a GET on a command with 405', async () => {
    const res = await call('GET', '/reservations', { token: t.allocation });
    expect(res.status).toBe(405);
  });
});
