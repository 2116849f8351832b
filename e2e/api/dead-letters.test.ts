import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectBus, createEvent, type Bus } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { waitFor } from '@retail/testing';
import { apiClient } from '../src/client.ts';
import { shop, uniqueKey, type Shop } from '../src/retail.ts';
import { startTestSystem, type TestSystem } from '../src/system.ts';
import { consumptionsOf, deadLetterSubject } from '@retail/descriptor';
import { systemCells } from '@retail/topology';

/**
 * Garbage on every subject any consumer reads: each consumer dead-letters it to its own cell's
 * `<cell>.dlq.<component>` (a partition's: `orders.orders-2.dlq.checkout`) and keeps going.
 */
let system: TestSystem;
let bus: Bus;
let s: Shop;

beforeAll(async () => {
  system = await startTestSystem();
  s = await shop(apiClient(system.url));
  bus = await connectBus({
    url: system.nats.url,
    name: 'test-poisoner',
    ...system.natsCredentials('system'),
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
});
afterAll(async () => {
  await bus?.close();
  await system?.stop();
});

// Every consumer of the running system, with the subjects it reads on the wire: a global cell reads an
// answer addressed to any partition (`shipping.*.shipment.dispatched`), a partition only its own.
const running = systemCells({});
const consumers = running.flatMap((cell) =>
  cell.components.flatMap((component) =>
    (component.consumes?.length ? consumptionsOf(cell, component.name, running) : []).flatMap((c) =>
      c.subjects.map((pattern) => ({ cell, component: component.name, pattern })),
    ),
  ),
);
// The subjects the garbage goes to: each one some consumer reads (a wildcard as orders-1's).
const published = [...new Set(consumers.map((c) => c.pattern.replace('*', 'orders-1')))];
const matches = (pattern: string, subject: string) =>
  pattern.split('.').length === subject.split('.').length &&
  pattern.split('.').every((token, i) => token === '*' || token === subject.split('.')[i]);

async function dlqCount(stream: string, subject: string): Promise<number> {
  const info = await bus.jsm.streams.info(stream, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

it('dead-letters malformed and unknown events on every consumer, which keeps consuming', async () => {
  expect(consumers.length).toBeGreaterThanOrEqual(12);
  // Three bad messages on each consumed subject: not JSON, invalid data, an unknown event type. They break
  // the AsyncAPI contract on purpose: the run's event check is told so, and holds every other event to it.
  const poison = new Set<string>();
  system.tolerateEvents((v) => (v.id === undefined && published.includes(v.subject)) || (v.id !== undefined && poison.has(v.id)));
  for (const subject of published) {
    const invalid = createEvent({ source: '/test', type: subject, subject: 'x', data: { nonsense: true } });
    const unknown = createEvent({ source: '/test', type: `${subject}.v9`, subject: 'x', data: {} });
    poison.add(invalid.id).add(unknown.id);
    await bus.js.publish(subject, 'definitely not json');
    await bus.js.publish(subject, JSON.stringify(invalid));
    await bus.js.publish(subject, JSON.stringify(unknown));
  }
  const expected = new Map<string, number>();
  for (const { cell, component, pattern } of consumers) {
    const key = `${cell.stream} ${deadLetterSubject(cell, component)}`;
    const reaching = published.filter((subject) => matches(pattern, subject)).length;
    expected.set(key, (expected.get(key) ?? 0) + 3 * reaching);
  }
  for (const [key, count] of expected) {
    const [stream, dlq] = key.split(' ') as [string, string];
    await waitFor(async () => ((await dlqCount(stream, dlq)) >= count ? true : undefined), {
      timeoutMs: 20_000,
      what: `${count} dead letters on ${dlq}`,
    });
    expect(await dlqCount(stream, dlq), dlq).toBe(count);
  }

  // Every consumer is still alive: an order goes all the way, and browse still follows the stock.
  const sku = await s.productWithStock('DLQ-AFTER', 4);
  const api = apiClient(system.url);
  // On a loaded machine a price lookup may time out (503, "try again"): the same order again, as a client would.
  const key = uniqueKey('dlq-after');
  let placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }], key);
  for (let retry = 0; placed.status === 503 && retry < 5; retry++) {
    await new Promise((r) => setTimeout(r, 1_000));
    placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }], key);
  }
  expect(placed.status, JSON.stringify(placed.problem)).toBe(201);
  await s.orderReaches(s.alice, placed.body.id, 'CONFIRMED');
  const shipment = await waitFor(() => s.shipmentOf(placed.body.id), { what: 'shipment' });
  await api.post('/api/shipments/{id}/dispatch', { path: { id: shipment.id }, token: s.admin });
  await s.orderReaches(s.alice, placed.body.id, 'SHIPPED');
  await waitFor(async () => (await api.get('/api/products/{sku}', { path: { sku } })).body.availability.available === 3 || undefined, {
    what: 'browse availability',
  });
});
