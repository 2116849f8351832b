import { describe, expect, it } from 'vitest';
import { anonymousView, createEventFeed, type FeedMessage } from './event-feed.ts';

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const event = (n: number) => ({
  specversion: '1.0',
  id: `e-${n}`,
  source: '/cells/products/catalog',
  type: 'products.product.created',
  subject: `SKU-${n}`,
  time: '2030-01-01T00:00:00Z',
  data: { secret: 'x' },
});

describe('the console event feed', () => {
  it('keeps the most recent events only, oldest first', () => {
    const feed = createEventFeed({ capacity: 3 });
    for (let n = 1; n <= 5; n++) feed.record('products.product.created', bytes(event(n)));
    expect(feed.recent().map((e) => e.entity)).toEqual(['SKU-3', 'SKU-4', 'SKU-5']);
    expect(feed.recent().map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('keeps the envelope of an event, never its data', () => {
    const feed = createEventFeed();
    const recorded = feed.record('products.product.created', bytes(event(1)));
    expect(recorded).toMatchObject({
      subject: 'products.product.created',
      cell: 'products',
      id: 'e-1',
      type: 'products.product.created',
      source: '/cells/products/catalog',
      entity: 'SKU-1',
      valid: true,
    });
    expect(JSON.stringify(recorded)).not.toContain('secret');
  });

  it('says which partition of a partitioned cell an event belongs to, to everyone', () => {
    const placed = { ...event(1), source: '/cells/orders-2/orders', type: 'orders.order.placed', partition: 'orders-2' };
    const recorded = createEventFeed().record('orders.orders-2.order.placed', bytes(placed));
    expect(recorded).toMatchObject({ cell: 'orders', partition: 'orders-2', source: '/cells/orders-2/orders', valid: true });
    expect(anonymousView(recorded).partition).toBe('orders-2');
    expect(createEventFeed().record('products.product.created', bytes(event(2))).partition).toBeUndefined();
  });

  it('shows anonymous viewers what happened, where and when, without the id of anything', () => {
    const recorded = createEventFeed().record('products.product.created', bytes(event(1)));
    const shown = anonymousView(recorded);
    expect(shown).toEqual({
      seq: 1,
      subject: 'products.product.created',
      cell: 'products',
      receivedAt: recorded.receivedAt,
      type: 'products.product.created',
      source: '/cells/products/catalog',
      time: '2030-01-01T00:00:00Z',
      valid: true,
    });
    expect(JSON.stringify(shown)).not.toMatch(/SKU-1|e-1/);
  });

  it('shows what is not a CloudEvent as such instead of failing', () => {
    const feed = createEventFeed();
    expect(feed.record('orders.order.placed', bytes('not json {'))).toMatchObject({ cell: 'orders', valid: false });
    expect(feed.record('orders.order.placed', bytes({ hello: 'world' }))).toMatchObject({ valid: false });
    expect(feed.record('orders.order.placed', bytes(42))).toMatchObject({ valid: false });
  });

  it('tells listeners about new events and status changes, once each, until they leave', () => {
    const feed = createEventFeed();
    const heard: FeedMessage['kind'][] = [];
    const leave = feed.subscribe((m) => heard.push(m.kind));
    feed.setStatus({ state: 'connected', detail: 'ok' });
    feed.setStatus({ state: 'connected', detail: 'ok' });
    feed.record('orders.order.placed', bytes(event(1)));
    leave();
    feed.record('orders.order.placed', bytes(event(2)));
    expect(heard).toEqual(['status', 'event']);
    expect(feed.status()).toEqual({ state: 'connected', detail: 'ok' });
  });
});
