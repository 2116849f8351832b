import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createOrderCommandSchema, type Order } from '@retail/orders-contract';
import { sseReader, type SseReader } from '@retail/testing';
import { advanceOrder, orderCommand, ordersTestApp, type OrdersTestApp } from '../../test/test-app.ts';
import { positionOf } from './events.ts';

let t: OrdersTestApp;
const open: SseReader[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
  t?.close();
});

const place = (customerId = 'user-alice'): Order => t.orders.place(createOrderCommandSchema.parse(orderCommand({ customerId }))).order;
const advance = (order: Order, to: Parameters<typeof advanceOrder>[2]) => advanceOrder(t, order, to);

async function stream(token: string, lastEventId?: string) {
  const res = await t.app.request('/orders/events', {
    headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const reader = sseReader(res.body!);
  open.push(reader);
  return reader;
}
const orderOf = (event: { data: string }) => JSON.parse(event.data) as Order;

describe('orders: GET /orders/events (the caller’s orders as they change)', () => {
  it('starts with the orders not yet at an end state, then pushes each change of the caller’s orders, and only theirs', async () => {
    t = await ordersTestApp();
    const pending = place();
    const delivered = place();
    for (const to of ['CONFIRMED', 'SHIPPED', 'DELIVERED'] as const) advance(delivered, to);
    place('user-bob');

    const alice = await stream(t.alice);
    expect(orderOf(await alice.next())).toMatchObject({ id: pending.id, status: 'PENDING' });
    const ready = await alice.next();
    expect(ready.event).toBe('ready');

    advance(pending, 'CONFIRMED');
    const bobs = place('user-bob');
    advance(bobs, 'CONFIRMED');
    const placed = place();
    const confirmed = await alice.next('order');
    expect(orderOf(confirmed)).toMatchObject({ id: pending.id, status: 'CONFIRMED' });
    expect(orderOf(confirmed).history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(orderOf(await alice.next('order'))).toMatchObject({ id: placed.id, status: 'PENDING' });
    // Event ids grow with each change, and name the partition.
    const ids = alice.events.filter((e) => e.id).map((e) => positionOf(e.id, 'orders-1')!);
    expect(ids.every((id, i) => i === 0 || id >= ids[i - 1]!)).toBe(true);
    expect(alice.events.map((e) => e.data)).not.toContain(expect.stringContaining(bobs.id));
    expect(JSON.stringify(alice.events)).not.toContain('user-bob');
  });

  it('resumes after its Last-Event-ID with what changed meanwhile, and nothing else', async () => {
    t = await ordersTestApp();
    const first = place();
    const second = place();
    const before = await stream(t.alice);
    const { id } = await before.next('ready');
    await before.close();

    advance(second, 'REJECTED');
    const third = place();
    const after = await stream(t.alice, id);
    const missed = [orderOf(await after.next('order')), orderOf(await after.next('order'))];
    expect(missed.map((o) => [o.id, o.status])).toEqual([
      [second.id, 'REJECTED'],
      [third.id, 'PENDING'],
    ]);
    await after.next('ready');
    expect(after.events.some((e) => e.data.includes(first.id))).toBe(false);
  });

  it('catches up on more than a page of missed changes, each once and in order, other customers’ between them skipped', async () => {
    t = await ordersTestApp();
    const before = await stream(t.alice);
    const { id } = await before.next('ready');
    await before.close();

    const alices: string[] = [];
    for (let i = 0; i < 250; i++) {
      alices.push(place().id);
      if (i % 2) place('user-bob');
      else alices.push(place().id);
    }
    const after = await stream(t.alice, id);
    await after.next('ready');
    // 375 orders: four pages of a hundred, each order once, oldest change first.
    expect(after.events.filter((e) => e.event === 'order').map((e) => orderOf(e).id)).toEqual(alices);
  });

  it.each([
    ['garbage', 'not-an-id'],
    ['another partition’s position', 'orders-2:1'],
    ['a position this partition never reached', 'orders-1:999999'],
  ])('answers %s with the current state, not an error', async (_, lastEventId) => {
    t = await ordersTestApp();
    const order = place();
    const reader = await stream(t.alice, lastEventId);
    expect(orderOf(await reader.next())).toMatchObject({ id: order.id, status: 'PENDING' });
    expect((await reader.next()).event).toBe('ready');
  });

  it('sends a heartbeat comment while nothing changes', async () => {
    t = await ordersTestApp({ heartbeatMs: 30 });
    const reader = await stream(t.alice);
    await reader.next('ready');
    expect(await reader.ended(200)).toBe(false);
    expect(reader.comments()).toBeGreaterThanOrEqual(3);
  });

  it('hangs up on a reader that does not read, holding nothing for it meanwhile', async () => {
    t = await ordersTestApp({ writeTimeoutMs: 100 });
    const res = await t.app.request('/orders/events', { headers: { authorization: `Bearer ${t.alice}` } });
    expect(t.hub.size()).toBe(1);
    for (let i = 0; i < 200; i++) place();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(t.hub.size()).toBe(0);
    await res.body?.cancel();
  });

  it('ends the stream of a customer released to another partition; a new one is refused with 503 and Retry-After', async () => {
    t = await ordersTestApp();
    place();
    const reader = await stream(t.alice);
    await reader.next('ready');
    const move = { migrationId: randomUUID(), to: 'orders-2' };
    t.migration.freeze('user-alice', move);
    t.migration.release('user-alice', move);
    expect(await reader.ended(2_000)).toBe(true);
    const again = await t.app.request('/orders/events', { headers: { authorization: `Bearer ${t.alice}` } });
    expect(again.status).toBe(503);
    expect(again.headers.get('retry-after')).toBe('1');
    expect(again.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses a token without orders:read before any stream starts', async () => {
    t = await ordersTestApp();
    const res = await t.app.request('/orders/events', { headers: { authorization: `Bearer ${t.checkout}` } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await t.app.request('/orders/events')).status).toBe(401);
  });
});
