import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { durableName } from '@retail/descriptor';
import { createEvent, startComponentConsumers, type Bus, type RunningConsumer } from '@retail/events';
import { startTestBus, type TestBus } from '@retail/events/testing';
import { createLogger } from '@retail/kernel';
import { exampleProducts, exampleOrderCommand } from '@retail/orders-contract/testing';
import { ProductSubjects, type Product } from '@retail/products-contract';
import { tempDir, waitFor, type TempDir } from '@retail/testing';
import { systemCells } from '@retail/topology';
import { openOwnDatabase } from './db/open.ts';
import { prices } from './db/schema.ts';
import { createOrderBook } from './order-book.ts';
import { priceHandlers } from './prices.ts';

/**
 * The price projection fed from a real nats-server's PRODUCTS stream, into real SQLite files: each
 * partition's core has its own durable, a fresh one starts from the beginning of the stream, and a
 * restarted one catches up with what it missed.
 */
const system = systemCells();
const logger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const partition = (name: string) => system.find((cell) => cell.partition === name)!;
let test: TestBus;
let bus: Bus;
let dir: TempDir;

beforeAll(async () => {
  test = await startTestBus({ name: 'orders-prices-test', logger, streams: ['PRODUCTS'], cells: system });
  ({ bus } = test);
  dir = tempDir();
});
afterAll(async () => {
  await test.dispose();
  dir.remove();
});

const publish = async (type: string, data: unknown, msgID?: string) => {
  const event = createEvent({ source: '/cells/products/catalog', type, subject: 'sku', data });
  await bus.js.publish(type, JSON.stringify(event), { msgID: msgID ?? event.id });
  return event;
};
const announced = (product: Product) => publish(ProductSubjects.created, { product });

/** A partition's core: its database file and the consumer feeding its projection, as server.ts composes them. */
function startCore(name: string, file = join(dir.path, name, 'orders.db')) {
  const database = openOwnDatabase(file, name);
  const consumers: RunningConsumer[] = startComponentConsumers({
    bus,
    db: database.db,
    cell: partition(name),
    system,
    component: 'orders',
    handlers: priceHandlers(),
    logger,
  });
  const known = () => database.db.select().from(prices).all();
  return {
    database,
    known,
    /** Waits until the projection holds `n` SKUs (live or deleted). */
    holds: (n: number) => waitFor(() => known().length === n || undefined, { what: `${n} SKUs in ${name}'s projection` }),
    handled: () => consumers.reduce((sum, c) => sum + c.handled(), 0),
    stop: async () => {
      await Promise.all(consumers.map((c) => c.stop()));
      database.close();
    },
  };
}

it('builds each partition’s projection from the start of the stream, on its own durable, and prices orders from it', async () => {
  // Published before any orders core ran: a fresh durable delivers everything from the start.
  for (const product of exampleProducts) await announced(product);
  await publish(ProductSubjects.updated, { product: { ...exampleProducts[0]!, version: 2, price: { amount: 3900, currency: 'USD' } } });
  const [one, two] = [startCore('orders-1'), startCore('orders-2')];
  try {
    await Promise.all([one.holds(4), two.holds(4)]);
    for (const core of [one, two]) {
      await waitFor(() => core.known().find((p) => p.sku === 'KIT-PAN')?.version === 2 || undefined, { what: 'the update applied' });
    }
    for (const name of ['orders-1', 'orders-2'])
      expect((await bus.jsm.consumers.info('PRODUCTS', durableName(partition(name), 'orders'))).config.deliver_policy).toBe('all');
    const { order } = createOrderBook(one.database.db).place(exampleOrderCommand);
    expect(order.lines).toEqual([
      { sku: 'KIT-PAN', name: 'Cast Iron Pan', quantity: 2, unitPrice: 3900, lineTotal: 7800, productVersion: 2 },
      { sku: 'KIT-KNIFE', name: 'Chef Knife', quantity: 1, unitPrice: 8900, lineTotal: 8900, productVersion: 1 },
    ]);
  } finally {
    await Promise.all([one.stop(), two.stop()]);
  }
});

it('applies each event once (a producer retry under another message id changes nothing), and catches up after a restart', async () => {
  const core = startCore('orders-1');
  const before = core.handled();
  const update = await publish(ProductSubjects.updated, {
    product: { ...exampleProducts[1]!, version: 2, price: { amount: 9900, currency: 'USD' } },
  });
  await waitFor(() => core.known().find((p) => p.sku === 'KIT-KNIFE')?.version === 2 || undefined, { what: 'the knife at version 2' });
  await bus.js.publish(update.type, JSON.stringify(update), { msgID: `${update.id}-again` });
  await waitFor(() => core.handled() === before + 2 || undefined, { what: 'the retry handled' });
  expect(core.known().find((p) => p.sku === 'KIT-KNIFE')).toMatchObject({ amount: 9900, version: 2 });
  await core.stop();

  // While the core is down the catalog changes; on restart (same file, same durable) it catches up.
  await publish(ProductSubjects.deleted, { sku: 'OUT-TENT', version: 2 });
  await announced({ ...exampleProducts[0]!, sku: 'HOM-VASE', name: 'Vase' });
  const restarted = startCore('orders-1');
  try {
    await restarted.holds(5);
    await waitFor(() => restarted.known().find((p) => p.sku === 'OUT-TENT')?.deletedAt || undefined, { what: 'the tent deleted' });
    const book = createOrderBook(restarted.database.db);
    expect(() => book.place({ ...exampleOrderCommand, idempotencyKey: 'tent-order-1', lines: [{ sku: 'OUT-TENT', quantity: 1 }] })).toThrow(
      /do not exist/,
    );
  } finally {
    await restarted.stop();
  }
});
