import { headers as natsHeaders } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, eventOrigin, wireSubject, type CloudEvent } from '@retail/events';
import { startTestBus, type TestBus } from '@retail/events/testing';
import { createLogger } from '@retail/kernel';
import { waitFor } from '@retail/testing';
import { cells, systemCells } from '@retail/topology';
import { asyncApiDocument } from './asyncapi.ts';
import { eventChecker, watchEvents, type EventWatch } from './event-conformance.ts';

const document = asyncApiDocument(cells);
const running = systemCells({ ORDERS_PARTITIONS: '2' });
const cell = (name: string) => running.find((c) => (c.partition ?? c.name) === name)!;

const product = { sku: 'KIT-CHEF-KNIFE', version: 3 };
const deleted = () =>
  createEvent({ ...eventOrigin(cell('products'), 'catalog'), type: 'products.product.deleted', subject: product.sku, data: product });
const confirmed = (partition: string) =>
  createEvent({
    ...eventOrigin(cell('inventory'), 'stock'),
    partition,
    type: 'inventory.reservation.confirmed',
    subject: 'order-1',
    data: { orderId: 'order-1', lines: [{ sku: product.sku, quantity: 2 }] },
  });
const released = () =>
  createEvent({
    ...eventOrigin(cell('inventory'), 'stock'),
    type: 'inventory.reservation.released',
    subject: 'order-1',
    data: { orderId: 'order-1', lines: [] },
  });

describe('eventChecker', () => {
  const { check, cells: watched } = eventChecker(document);
  const bytes = (event: unknown) => JSON.stringify(event);

  it('knows every cell whose subjects carry events', () => {
    expect(watched).toEqual(cells.map((c) => c.name).sort());
  });

  it('passes valid events, partition-addressed ones included', () => {
    const event = deleted();
    expect(check(wireSubject(event), bytes(event), { 'Nats-Msg-Id': event.id })).toEqual({
      channel: 'products.product.deleted',
      id: event.id,
      problems: [],
    });
    const answer = confirmed('orders-2');
    expect(wireSubject(answer)).toBe('inventory.orders-2.reservation.confirmed');
    expect(check(wireSubject(answer), bytes(answer)).problems).toEqual([]);
  });

  it('reports an envelope that is not one, a partition that is not the subject’s, a Nats-Msg-Id that is not the id', () => {
    const event = deleted();
    const { specversion: _, ...noVersion } = event;
    expect(check('products.product.deleted', bytes(noVersion)).problems).toEqual([
      expect.stringMatching(/^envelope must have required property 'specversion'/),
    ]);
    expect(check('products.product.deleted', 'not json').problems).toEqual(['the message is not JSON']);
    expect(check('inventory.orders-1.reservation.confirmed', bytes(confirmed('orders-2'))).problems).toEqual([
      'partition "orders-2" is not the subject’s orders-1',
    ]);
    // An addressed subject is not known without its partition; an event of another subject may not carry one.
    expect(check('inventory.reservation.confirmed', bytes(confirmed('orders-2'))).channel).toBeUndefined();
    expect(check('inventory.reservation.released', bytes({ ...released(), partition: 'orders-2' })).problems).toEqual([
      'partition "orders-2" on a subject not addressed to a partition',
    ]);
    expect(check('products.product.deleted', bytes(event), { 'Nats-Msg-Id': 'other' }).problems).toEqual([
      `the Nats-Msg-Id header other is not the event’s id`,
    ]);
  });

  it('checks a dead letter by its headers, whatever its body', () => {
    const complete = {
      'Dlq-Reason': 'not JSON',
      'Dlq-Original-Subject': 'orders.orders-1.order.placed',
      'Dlq-Consumer': 'inventory-allocation',
    };
    expect(check('inventory.dlq.allocation', 'garbage', complete)).toEqual({
      channel: 'inventory.dlq.allocation',
      id: undefined,
      problems: [],
    });
    expect(check('orders.orders-2.dlq.checkout', 'garbage', complete).problems).toEqual([]);
    expect(check('orders.dlq.checkout', 'garbage', complete).problems).toEqual([
      'no channel of the document has the subject orders.dlq.checkout',
    ]);
    expect(check('inventory.dlq.allocation', 'garbage', { 'Dlq-Reason': 'x' }).problems).toEqual([
      "headers must have required property 'Dlq-Original-Subject'",
      "headers must have required property 'Dlq-Consumer'",
    ]);
  });
});

/** Against a real nats-server, with the system's streams: JetStream publishes reach the watcher's core subscriptions. */
describe('watchEvents', () => {
  const logger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let test: TestBus;
  let watch: EventWatch;

  beforeAll(async () => {
    test = await startTestBus({ name: 'conformance-test', logger, cells: running });
    watch = await watchEvents({ servers: test.nats.url, document });
  });
  afterAll(async () => {
    await watch?.close();
    await test?.dispose();
  });

  const publish = async (subject: string, event: unknown, headers: Record<string, string> = {}) => {
    const h = natsHeaders();
    for (const [key, value] of Object.entries(headers)) h.set(key, value);
    await test.bus.js.publish(subject, typeof event === 'string' ? event : JSON.stringify(event), {
      headers: h,
      ...((event as CloudEvent).id ? { msgID: (event as CloudEvent).id } : {}),
    });
  };

  it('listens on every cell’s subjects', () => {
    expect(watch.subjects).toEqual(['inventory.>', 'orders.>', 'placement.>', 'products.>', 'shipping.>']);
  });

  it('passes valid events and reports a wrong payload, a wrong type and an unknown subject', async () => {
    const valid = deleted();
    const answer = confirmed('orders-1');
    const wrongPayload = { ...deleted(), data: { sku: product.sku, version: 'three' } };
    const wrongType = { ...released(), type: 'inventory.reservation.confirmed' };
    const unknown = { ...deleted(), type: 'products.product.exploded' };
    await publish(wireSubject(valid), valid);
    await publish(wireSubject(answer), answer);
    await publish('products.product.deleted', wrongPayload);
    await publish('inventory.reservation.released', wrongType);
    await publish('products.product.exploded', unknown);
    await publish('inventory.dlq.allocation', 'not json', {
      'Dlq-Reason': 'not JSON',
      'Dlq-Original-Subject': 'orders.orders-1.order.placed',
      'Dlq-Consumer': 'inventory-allocation',
    });

    const report = await waitFor(() => (watch.report().checked >= 6 ? watch.report() : undefined), { what: 'six messages watched' });
    expect(report.checked).toBe(6);
    expect(report.bySubject).toEqual({
      'inventory.dlq.allocation': 1,
      'inventory.orders-1.reservation.confirmed': 1,
      'inventory.reservation.released': 1,
      'products.product.deleted': 2,
      'products.product.exploded': 1,
    });
    expect(report.byChannel).toEqual({
      'inventory.dlq.allocation': 1,
      'inventory.reservation.confirmed': 1,
      'inventory.reservation.released': 1,
      'products.product.deleted': 2,
    });
    expect(report.violations).toEqual([
      { subject: 'products.product.deleted', id: wrongPayload.id, problems: ['data/version must be integer'] },
      {
        subject: 'inventory.reservation.released',
        id: wrongType.id,
        problems: ['type "inventory.reservation.confirmed" is not the channel’s inventory.reservation.released'],
      },
      {
        subject: 'products.product.exploded',
        id: unknown.id,
        problems: ['no channel of the document has the subject products.product.exploded'],
      },
    ]);
  });

  it('ignores the key-value buckets and JetStream’s API', async () => {
    const before = watch.report().checked;
    const everything = await watchEvents({ servers: test.nats.url, document, subjects: ['>', '$KV.>', '$JS.>'] });
    await test.bus.nc.request('$JS.API.INFO', undefined, { timeout: 2_000 });
    test.bus.nc.publish('$KV.registry.products.x', '{}');
    await test.bus.nc.flush();
    const report = await everything.close();
    expect(report.checked).toBe(0);
    expect(watch.report().checked).toBe(before);
  });

  it('says what it saw when closed', async () => {
    const report = await watch.close();
    expect(report.checked).toBe(6);
    expect(report.violations).toHaveLength(3);
  });
});
