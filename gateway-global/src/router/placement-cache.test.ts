import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@retail/kernel';
import { standInServers, waitFor } from '@retail/testing';
import { placementStandIn, type PlacementStandIn } from '../../test/placement-stand-in.ts';
import { createPlacementCache, type PlacementCache, type PlacementCacheOptions } from './placement-cache.ts';
import type { PartitionView } from './placement-map.ts';
import { placeByRule } from '@retail/placement-contract';

const both: PartitionView[] = [
  { name: 'orders-1', state: 'active' },
  { name: 'orders-2', state: 'active' },
];
const customers = Array.from({ length: 200 }, (_, i) => `user-${i}`);
/** The partition the rule does not give this customer: where only the map (or the placement cell) can send them. */
const notByRule = (customerId: string) => (placeByRule(customerId, both) === 'orders-1' ? 'orders-2' : 'orders-1');

const open: PlacementCache[] = [];
const servers: PlacementStandIn[] = [];
const { closedUrl, closeAll } = standInServers();
afterEach(async () => {
  await Promise.all(open.splice(0).map((cache) => cache.close()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await closeAll();
});

async function standIn(partitions = both) {
  const server = await placementStandIn(partitions);
  servers.push(server);
  return server;
}

function cacheOf(url: string, options: Partial<PlacementCacheOptions> = {}) {
  const logger = createLogger({ name: 'placement-cache-test', level: 'silent' });
  const warn = vi.spyOn(logger, 'warn');
  const info = vi.spyOn(logger, 'info');
  const cache = createPlacementCache({
    url,
    token: async () => 'router-token',
    partitions: { orders: ['orders-1', 'orders-2'] },
    logger,
    refreshMs: 50,
    ...options,
  });
  open.push(cache);
  return { cache, warn, info };
}

const posts = (server: PlacementStandIn) => server.calls.filter((c) => c.method === 'POST');
const gets = (server: PlacementStandIn) => server.calls.filter((c) => c.method === 'GET');

describe('placement cache', () => {
  it('routes by the rule over every partition before the first map, without waiting for the control plane', async () => {
    const { cache } = cacheOf(await closedUrl());
    for (const id of customers) expect(cache.partitionOf('orders', id)).toBe(placeByRule(id, both));
    expect(new Set(customers.map((id) => cache.partitionOf('orders', id)))).toEqual(new Set(['orders-1', 'orders-2']));
    expect(cache.partitions('orders')).toEqual(both);
  });

  it('routes by the map’s assignment, asking with its own token', async () => {
    const server = await standIn();
    const elsewhere = notByRule('user-alice');
    server.change((orders) => (orders.assignments['user-alice'] = elsewhere));
    const { cache } = cacheOf(server.url);
    await cache.refresh();
    expect(cache.partitionOf('orders', 'user-alice')).toBe(elsewhere);
    expect(gets(server)[0]).toMatchObject({ url: '/placement/map', authorization: 'Bearer router-token' });
    expect(posts(server)).toHaveLength(0);
  });

  it('records a new customer at first use in the background, one call at a time, and takes the placement cell’s answer', async () => {
    const server = await standIn();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // The control plane answers slowly, and with another partition than the rule (an operator placed her already).
    const theirs = notByRule('user-carol');
    server.answerAssignments(async (customerId) => {
      await held;
      return { status: 200, body: { customerId, cell: 'orders', partition: theirs } };
    });
    const { cache } = cacheOf(server.url);
    await cache.refresh();

    // No request waits: the rule answers at once while the recording is under way.
    for (let i = 0; i < 5; i++) expect(cache.partitionOf('orders', 'user-carol')).toBe(placeByRule('user-carol', both));
    await waitFor(() => posts(server).length === 1);
    expect(posts(server)[0]).toMatchObject({
      url: '/placement/assignments',
      authorization: 'Bearer router-token',
      body: { cell: 'orders', customerId: 'user-carol' },
    });

    release();
    await waitFor(() => cache.partitionOf('orders', 'user-carol') === theirs);
    expect(posts(server)).toHaveLength(1);
  });

  it('retries a failed recording on a later request, not on every one', async () => {
    const server = await standIn();
    let failing = true;
    let answered = 0;
    server.answerAssignments(async (customerId) => {
      answered += 1;
      return failing
        ? { status: 503, body: { status: 503, detail: 'No partition is active.' } }
        : { status: 201, body: { customerId, cell: 'orders', partition: notByRule(customerId) } };
    });
    const { cache } = cacheOf(server.url, { refreshMs: 300 });
    await cache.refresh();

    cache.partitionOf('orders', 'user-dave');
    await waitFor(() => answered === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Failed just now: the next requests go by the rule and do not call again yet.
    expect(cache.partitionOf('orders', 'user-dave')).toBe(placeByRule('user-dave', both));
    expect(posts(server)).toHaveLength(1);

    failing = false;
    await new Promise((resolve) => setTimeout(resolve, 300));
    cache.partitionOf('orders', 'user-dave');
    await waitFor(() => cache.partitionOf('orders', 'user-dave') === notByRule('user-dave'));
    expect(posts(server)).toHaveLength(2);
  });

  it('asks with the version it has (If-None-Match) and keeps its map on a 304; takes a newer one', async () => {
    const server = await standIn();
    server.change((orders) => (orders.assignments['user-alice'] = 'orders-1'));
    const { cache } = cacheOf(server.url);
    await cache.refresh();
    await cache.refresh();
    expect(gets(server).map((c) => c.ifNoneMatch)).toEqual([undefined, `"${server.map().version}"`]);
    expect(cache.partitionOf('orders', 'user-alice')).toBe('orders-1');

    // An operator moves alice: the next poll sees a new version.
    server.change((orders) => (orders.assignments['user-alice'] = 'orders-2'));
    await cache.refresh();
    expect(cache.partitionOf('orders', 'user-alice')).toBe('orders-2');
    expect(gets(server).at(-1)!.ifNoneMatch).toBe(`"${server.map().version - 1}"`);
  });

  it('never gives a new customer a draining or down partition, and gives none when no partition is active', async () => {
    const server = await standIn([
      { name: 'orders-1', state: 'draining' },
      { name: 'orders-2', state: 'down' },
      { name: 'orders-3', state: 'active' },
    ]);
    server.change((orders) => (orders.assignments['user-alice'] = 'orders-1'));
    const { cache } = cacheOf(server.url, { partitions: { orders: ['orders-1', 'orders-2', 'orders-3'] } });
    await cache.refresh();
    expect(new Set(customers.map((id) => cache.partitionOf('orders', id)))).toEqual(new Set(['orders-3']));
    // A customer already there stays: draining takes no new customers but serves its own.
    expect(cache.partitionOf('orders', 'user-alice')).toBe('orders-1');

    server.change((orders) => (orders.partitions[2]!.state = 'draining'));
    await cache.refresh();
    const recorded = posts(server).length;
    expect(cache.partitionOf('orders', 'user-newcomer')).toBeUndefined();
    expect(posts(server)).toHaveLength(recorded);
  });

  it('keeps routing with the last map while the placement cell is down, and says so once per outage', async () => {
    const server = await standIn();
    const alicesPartition = notByRule('user-alice');
    server.change((orders) => {
      orders.assignments['user-alice'] = alicesPartition;
      orders.partitions[1]!.state = 'draining';
    });
    const { cache, warn, info } = cacheOf(server.url, { refreshMs: 20 });
    cache.start();
    await waitFor(() => cache.partitionOf('orders', 'user-alice') === alicesPartition);

    await server.stop();
    const polled = gets(server).length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Polls went on and failed: the map is the last one, logged once for the whole outage.
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toMatch(/routing with the last map/);
    expect(cache.partitionOf('orders', 'user-alice')).toBe(alicesPartition);
    expect(cache.partitions('orders')).toEqual([
      { name: 'orders-1', state: 'active' },
      { name: 'orders-2', state: 'draining' },
    ]);
    // A new customer goes by the rule over the last known states: not to the draining partition.
    expect(new Set(customers.map((id) => cache.partitionOf('orders', id)))).toEqual(new Set(['orders-1']));
    expect(gets(server)).toHaveLength(polled);
    // What the console shows: the control plane unreachable, and the customers each partition serves.
    const overview = cache.overview('orders');
    expect(overview.controlPlane).toBe('unreachable');
    expect(overview.version).toEqual(expect.any(Number));
    const served = Object.fromEntries(overview.partitions.map((p) => [p.name, p.customers]));
    expect(served[alicesPartition]).toBeGreaterThanOrEqual(1);
    const before = served['orders-1']! + served['orders-2']!;
    cache.partitionOf('orders', 'user-new-while-down');
    // A customer placed by the rule while the control plane is down is not recorded, so not counted.
    expect(cache.overview('orders').partitions.reduce((n, p) => n + p.customers, 0)).toBe(before);

    await server.start();
    await waitFor(() => info.mock.calls.some(([, message]) => /reachable again/.test(String(message))));
    await server.stop();
    await waitFor(() => warn.mock.calls.length === 2);
  });
});
