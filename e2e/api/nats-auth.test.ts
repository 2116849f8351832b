import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { cells, systemCells } from '@retail/topology';
import { connectBus, createEvent, declaredDurables } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { waitFor } from '@retail/testing';
import { apiClient } from '../src/client.ts';
import { shop, type Shop } from '../src/retail.ts';
import { startTestSystem, type TestSystem } from '../src/system.ts';

/**
 * The whole system with NATS authorization on, as `npm start` and compose run it: every service is on
 * the bus as its own cell's user, the saga still runs, the read-only edge user sees it live, and one cell
 * cannot put words in another cell's mouth.
 */
let system: TestSystem;
let s: Shop;
let edge: NatsConnection;
const feed: { subject: string; data: string }[] = [];

beforeAll(async () => {
  system = await startTestSystem();
  s = await shop(apiClient(system.url));
  edge = await connect({ servers: system.nats.url, name: 'test-console', ...system.natsCredentials('edge') });
  for (const cell of cells)
    edge.subscribe(`${cell.name}.>`, { callback: (_, m) => void feed.push({ subject: m.subject, data: m.string() }) });
  await edge.flush();
});
afterAll(async () => {
  await edge?.close();
  await system?.stop();
});

it('every service is connected to NATS as its own cell’s user', async () => {
  const { connections } = (await (await fetch(`${system.natsMonitorUrl}/connz?auth=1&limit=1024`)).json()) as {
    connections: { name?: string; authorized_user?: string }[];
  };
  const services = system.plans.filter((p) => p.kind === 'core' || p.kind === 'composite');
  for (const service of services) {
    const name = service.name.replace('/', '-'); // each service names its connection <cell>-<component>
    const mine = connections.filter((c) => c.name === name);
    expect(mine.length, `${name} is connected`).toBeGreaterThan(0);
    for (const c of mine) expect(c.authorized_user, name).toBe(service.cell);
  }
});

it('runs the saga under these permissions, and the edge user watches it live', async () => {
  const sku = await s.productWithStock('NATS-AUTH', 5);
  const placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
  expect(placed.status).toBe(201);
  const partition = placed.headers.get('x-cell-partition'); // alice's partition of the orders cell, orders-1 or orders-2
  expect(partition).toMatch(/^orders-\d$/);
  await s.orderReaches(s.alice, placed.body.id, 'CONFIRMED');
  const seen = () => feed.filter((m) => m.data.includes(placed.body.id)).map((m) => m.subject);
  // The partition publishes on its own subjects; the global cells' answers are addressed to it.
  await waitFor(() => seen().includes(`shipping.${partition}.shipment.created`) || undefined, { what: 'the shipment on the live feed' });
  expect(seen()).toEqual(
    expect.arrayContaining([
      `orders.${partition}.order.placed`,
      `inventory.${partition}.reservation.confirmed`,
      `orders.${partition}.order.confirmed`,
      `shipping.${partition}.shipment.created`,
    ]),
  );
});

it('refuses an event one cell publishes on another cell’s subject: the forgery never reaches the stream', async () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  const orders = await connectBus({ url: system.nats.url, name: 'test-forger', ...system.natsCredentials('orders-1'), logger });
  const tools = await connectBus({ url: system.nats.url, name: 'test-tools', ...system.natsCredentials('system'), logger });
  try {
    const subject = 'inventory.orders-1.reservation.confirmed';
    const count = async (stream: string, filter: string) =>
      (await tools.jsm.streams.info(stream, { subjects_filter: filter })).state.subjects?.[filter] ?? 0;
    const before = await count('INVENTORY', subject);
    const forged = createEvent({
      source: '/inventory/allocation',
      type: subject,
      subject: 'forged',
      data: { orderId: 'forged', lines: [] },
    });
    await expect(orders.js.publish(subject, JSON.stringify(forged), { msgID: forged.id })).rejects.toThrow(
      /Permissions Violation for Publish to "inventory.orders-1.reservation.confirmed"/,
    );
    expect(await count('INVENTORY', subject)).toBe(before);

    // Nor may one partition speak for another: orders-1 cannot place an order in orders-2's name.
    const other = 'orders.orders-2.order.cancelled';
    const otherBefore = await count('ORDERS_2', other);
    const cancel = createEvent({ source: '/cells/orders-2/orders', type: 'orders.order.cancelled', subject: 'forged', data: {} });
    await expect(orders.js.publish(other, JSON.stringify(cancel), { msgID: cancel.id })).rejects.toThrow(
      /Permissions Violation for Publish to "orders.orders-2.order.cancelled"/,
    );
    expect(await count('ORDERS_2', other)).toBe(otherBefore);

    // The edge user publishes nothing: the server answers its attempt with a permission error.
    const refused = (async () => {
      for await (const status of edge.status()) if (status.type === 'error') return String(status.error);
    })();
    edge.publish('orders.orders-1.order.cancelled', '{}');
    expect(await refused).toMatch(/Permissions Violation for Publish to "orders.orders-1.order.cancelled"/);
  } finally {
    await orders.close();
    await tools.close();
  }
});

it('keeps each cell’s replies to itself: products listening on the inboxes sees none of what inventory pulls in a saga', async () => {
  const spy = await connect({ servers: system.nats.url, name: 'test-inbox-spy', ...system.natsCredentials('products') });
  const seen: string[] = [];
  const refusals: string[] = [];
  void (async () => {
    for await (const status of spy.status()) if (status.type === 'error') refusals.push(String(status.error));
  })();
  try {
    for (const subject of ['_INBOX.>', '_INBOX_inventory.>'])
      spy.subscribe(subject, { callback: (error, m) => void (error || seen.push(`${m.subject} ${m.string()}`)) });
    await spy.flush();
    const sku = await s.productWithStock('NATS-INBOX', 5);
    const placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
    await s.orderReaches(s.alice, placed.body.id, 'CONFIRMED'); // inventory pulled the placement, shipping the confirmation
    await waitFor(() => refusals.length >= 2 || undefined, { what: 'both subscriptions refused' });
    expect(refusals.join('\n')).toMatch(/Permissions Violation for Subscription to "_INBOX\.>"/);
    expect(refusals.join('\n')).toMatch(/Permissions Violation for Subscription to "_INBOX_inventory\.>"/);
    await spy.flush();
    expect(seen).toEqual([]);
  } finally {
    await spy.close();
  }
});

it('refuses a cell that tries to make the server publish into another cell’s subjects for it', async () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  const products = await connectBus({ url: system.nats.url, name: 'test-abuser', ...system.natsCredentials('products'), logger });
  const tools = await connectBus({ url: system.nats.url, name: 'test-tools', ...system.natsCredentials('system'), logger });
  try {
    const stream = (await tools.jsm.streams.info('PRODUCTS')).config;
    await expect(
      products.jsm.streams.update('PRODUCTS', { republish: { src: 'products.>', dest: 'inventory.>' } } as never),
    ).rejects.toThrow(/Permissions Violation for Publish to "\$JS.API.STREAM.UPDATE.PRODUCTS"/);
    await expect(products.jsm.streams.update('PRODUCTS', { sources: [{ name: 'ORDERS_1' }] } as never)).rejects.toThrow(
      /Permissions Violation/,
    );
    expect((await tools.jsm.streams.info('PRODUCTS')).config).toEqual(stream);

    const browse = declaredDurables(cells.find((c) => c.name === 'products')!, systemCells({})).find((d) => d.stream === 'PRODUCTS')!;
    await expect(
      // A push consumer: the server would deliver PRODUCTS events onto orders.orders-1.order.placed, where ORDERS_1 captures them.
      products.jsm.consumers.add('PRODUCTS', {
        durable_name: browse.durable,
        ack_policy: 'none',
        deliver_policy: 'all',
        filter_subject: browse.filter,
        deliver_subject: 'orders.orders-1.order.placed',
      } as never),
    ).rejects.toThrow(/Permissions Violation/);
    expect((await tools.jsm.consumers.info('PRODUCTS', browse.durable)).config.deliver_subject).toBeUndefined();
  } finally {
    await products.close();
    await tools.close();
  }
});
