import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, startConsumer, startOutboxRelay, type Bus } from '@retail/events';
import { startTestBus, type TestBus } from '@retail/events/testing';
import { createLogger } from '@retail/kernel';
import { ProductSubjects, type Product } from '@retail/products-contract';
import { waitFor } from '@retail/testing';
import { openOwnDatabase } from '../db/open.ts';
import { findLevel } from '../levels.ts';
import { createStock } from '../stock.ts';
import { outboxEvents } from '../../test/test-support.ts';
import { productHandlers } from './subscriptions.ts';

const product = (sku: string): Product => ({
  sku,
  name: `Product ${sku}`,
  description: '',
  category: 'home',
  price: { amount: 1000, currency: 'USD' },
  imageUrl: null,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const created = (sku: string) =>
  createEvent({ source: '/cells/products/catalog', type: ProductSubjects.created, subject: sku, data: { product: product(sku) } });

describe('stock: a stock row for every new product (handler in process)', () => {
  let database: ReturnType<typeof openOwnDatabase>;
  const handler = productHandlers({ newProductStock: 7 })[ProductSubjects.created]!;
  const apply = (sku: string) => {
    const event = created(sku);
    database.db.transaction((tx) => 'handle' in handler && handler.handle(tx, event.data, event));
  };
  beforeEach(() => {
    database = openOwnDatabase(':memory:');
  });
  afterEach(() => database.close());

  it('opens demo-catalog SKUs at their demo figures, including the deliberately short ones', () => {
    for (const sku of ['KIT-CHEF-KNIFE', 'OUT-TENT-2P', 'ELE-E-READER', 'HOM-LINEN-SHEETS']) apply(sku);
    const onHand = (sku: string) => findLevel(database.db, sku)?.onHand;
    expect(onHand('KIT-CHEF-KNIFE')).toBeGreaterThanOrEqual(20);
    expect([onHand('OUT-TENT-2P'), onHand('ELE-E-READER'), onHand('HOM-LINEN-SHEETS')]).toEqual([3, 2, 0]);
    expect(outboxEvents(database.db).map((e) => e.data)).toContainEqual({ sku: 'HOM-LINEN-SHEETS', onHand: 0, reserved: 0, available: 0 });
  });

  it('opens any other new product at NEW_PRODUCT_STOCK and announces it', () => {
    apply('HOM-NEW-VASE');
    expect(createStock(database.db).get('HOM-NEW-VASE')).toEqual({ sku: 'HOM-NEW-VASE', onHand: 7, reserved: 0, available: 7 });
    expect(outboxEvents(database.db)).toEqual([
      { type: 'inventory.stock.changed', subject: 'HOM-NEW-VASE', data: { sku: 'HOM-NEW-VASE', onHand: 7, reserved: 0, available: 7 } },
    ]);
  });

  it('leaves a SKU it already stocks alone (a product re-created after deletion keeps its counts)', () => {
    apply('HOM-NEW-VASE');
    createStock(database.db).adjust('HOM-NEW-VASE', { delta: 5, reason: 'delivery' }, 'user-admin');
    const announced = outboxEvents(database.db);
    apply('HOM-NEW-VASE');
    expect(findLevel(database.db, 'HOM-NEW-VASE')).toMatchObject({ onHand: 12 });
    // Nothing new announced; the level waiting to be published is the adjustment's (it superseded the opening one).
    expect(outboxEvents(database.db)).toEqual(announced);
    expect(announced.map((e) => e.data)).toEqual([{ sku: 'HOM-NEW-VASE', onHand: 12, reserved: 0, available: 12 }]);
  });
});

describe('stock: consuming products.product.created from a real NATS server', () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  let test: TestBus;
  let bus: Bus;
  beforeAll(async () => {
    test = await startTestBus({ name: 'stock-test', logger, streams: ['PRODUCTS', 'INVENTORY'] });
    ({ bus } = test);
  });
  afterAll(() => test.dispose());

  const stockChanged = async () =>
    (await bus.jsm.streams.info('INVENTORY', { subjects_filter: 'inventory.stock.changed' })).state.subjects?.['inventory.stock.changed'] ??
    0;

  it('creates the stock row once, publishes stock.changed, and dead-letters what it cannot read', async () => {
    const database = openOwnDatabase(':memory:');
    const relay = startOutboxRelay({ db: database.db, js: bus.js, logger, intervalMs: 10_000 });
    const consumer = startConsumer({
      bus,
      db: database.db,
      logger,
      stream: 'PRODUCTS',
      durable: 'inventory-stock',
      handlers: productHandlers({ newProductStock: 4 }),
      deadLetterSubject: 'inventory.dlq.stock',
    });
    const event = created('KIT-NEW-WHISK');
    await bus.js.publish(event.type, JSON.stringify(event), { msgID: event.id });
    // published after the relay's first (idle) pass, so it is the wake after the consumer's commit that sends it
    const message = await waitFor(
      async () => (await bus.jsm.streams.getMessage('INVENTORY', { last_by_subj: 'inventory.stock.changed' })) ?? undefined,
      {
        what: 'stock.changed',
      },
    );
    expect(message.json<{ data: unknown }>().data).toEqual({ sku: 'KIT-NEW-WHISK', onHand: 4, reserved: 0, available: 4 });

    // the same event again under another message id (a producer retry): the inbox makes it harmless
    await bus.js.publish(event.type, JSON.stringify(event), { msgID: `${event.id}-again` });
    await bus.js.publish(
      ProductSubjects.created,
      JSON.stringify(createEvent({ source: '/x', type: ProductSubjects.created, subject: 'x', data: { product: { sku: 'lower' } } })),
    );
    await waitFor(
      async () =>
        ((await bus.jsm.streams.info('INVENTORY', { subjects_filter: 'inventory.dlq.stock' })).state.subjects?.['inventory.dlq.stock'] ??
          0) === 1 || undefined,
      {
        what: 'the invalid event dead-lettered',
      },
    );
    await waitFor(() => consumer.handled() === 3 || undefined, { what: 'three messages handled' });
    expect(await stockChanged()).toBe(1);
    expect(findLevel(database.db, 'KIT-NEW-WHISK')).toMatchObject({ onHand: 4 });

    await consumer.stop();
    await relay.stop();
    database.close();
  });
});
