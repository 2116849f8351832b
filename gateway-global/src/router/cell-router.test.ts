import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { openKeyStore, type KeyStore } from '@retail/auth';
import { createLogger } from '@retail/kernel';
import { partitionOf } from '@retail/descriptor';
import { ordersCell } from '@retail/orders-contract';
import { productsCell } from '@retail/products-contract';
import { standInServers } from '@retail/testing';
import { placementStandIn, type PlacementStandIn } from '../../test/placement-stand-in.ts';
import { postRegister, testGateway, userToken } from '../../test/test-support.ts';
import type { CellGatewayTarget } from '../edge/cell-routes.ts';
import { createPlacementCache, type PlacementCache } from './placement-cache.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

const { listen, closedUrl, closeAll } = standInServers();

/** Two tiny partition gateways: each records what arrives, holds some orders, and says who it is. */
const received: Record<string, Received[]> = { 'orders-1': [], 'orders-2': [] };
const held: Record<string, string[]> = { 'orders-1': ['order-in-1'], 'orders-2': ['order-in-2'] };
const partitionGateway = (name: string) =>
  listen((req, res) => {
    received[name]!.push({ method: req.method!, url: req.url!, headers: req.headers });
    const id = /^\/orders\/([^/?]+)$/.exec(req.url!)?.[1];
    if (id && !held[name]!.includes(id)) return res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ servedBy: name, url: req.url }));
  });

let gateways: Record<string, string>;
let placementServer: PlacementStandIn;
let placement: PlacementCache;
let tokens: { alice: string; bob: string; admin: string };
/** One token service for every gateway of this file, so that tokens issued by one verify at all. */
let keys: KeyStore;

const target = (partition: string, url: string): CellGatewayTarget => ({ cell: partitionOf(ordersCell, partition, 2), url });
const gatewayWith = (urls: Record<string, string> = gateways) =>
  testGateway({
    cellGateways: [
      { cell: productsCell, url: 'http://127.0.0.1:9' },
      target('orders-1', urls['orders-1']!),
      target('orders-2', urls['orders-2']!),
    ],
    placement,
    keys,
  });

const bearer = (token: string, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${token}`, ...extra } });
const problemOf = async (res: Response) => {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as { status: number; detail: string };
};

beforeAll(async () => {
  gateways = { 'orders-1': await partitionGateway('orders-1'), 'orders-2': await partitionGateway('orders-2') };
  placementServer = await placementStandIn([
    { name: 'orders-1', state: 'active' },
    { name: 'orders-2', state: 'active' },
  ]);
  placementServer.change((orders) => {
    orders.assignments['user-alice'] = 'orders-2';
    orders.assignments['user-bob'] = 'orders-1';
    orders.assignments['user-admin'] = 'orders-1';
  });
  placement = createPlacementCache({
    url: placementServer.url,
    token: async () => 'router-token',
    partitions: { orders: ['orders-1', 'orders-2'] },
    logger: createLogger({ name: 'cell-router-test', level: 'silent' }),
  });
  await placement.refresh();
  keys = await openKeyStore({ alg: 'ES256' });
  const { app } = await gatewayWith();
  tokens = {
    alice: await userToken(app, 'alice@example.com', 'alice'),
    bob: await userToken(app, 'bob@example.com', 'bob'),
    admin: await userToken(app, 'admin@example.com', 'admin'),
  };
});
afterAll(async () => {
  await placement.close();
  await placementServer.stop();
  await closeAll();
});
beforeEach(async () => {
  received['orders-1']!.length = 0;
  received['orders-2']!.length = 0;
  placementServer.change((orders) => {
    for (const p of orders.partitions) p.state = 'active';
  });
  await placement.refresh();
});

const setState = async (partition: string, state: 'active' | 'draining' | 'down') => {
  placementServer.change((orders) => (orders.partitions.find((p) => p.name === partition)!.state = state));
  await placement.refresh();
};

describe('cell router: customers', () => {
  it('sends each customer to the gateway of their partition, with their own token, and says which partition answered', async () => {
    const { app, deps } = await gatewayWith();
    const alice = await app.request('/api/orders?limit=5', bearer(tokens.alice));
    expect(alice.status).toBe(200);
    expect(alice.headers.get('x-cell-partition')).toBe('orders-2');
    expect(await alice.json()).toEqual({ servedBy: 'orders-2', url: '/orders?limit=5' });
    expect(received['orders-2']!.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['GET', '/orders?limit=5', `Bearer ${tokens.alice}`],
    ]);

    const bob = await app.request('/api/orders', {
      method: 'POST',
      ...bearer(tokens.bob, { 'content-type': 'application/json' }),
      body: '{}',
    });
    expect(bob.headers.get('x-cell-partition')).toBe('orders-1');
    expect(received['orders-1']!.map((r) => [r.method, r.url])).toEqual([['POST', '/orders']]);
    expect(received['orders-2']).toHaveLength(1);
    await deps.forwarder.close();
  });

  it('ignores a customer’s X-Cell-Partition: only operators pick a partition', async () => {
    const { app, deps } = await gatewayWith();
    const res = await app.request('/api/orders', bearer(tokens.alice, { 'x-cell-partition': 'orders-1' }));
    expect(res.headers.get('x-cell-partition')).toBe('orders-2');
    expect(received['orders-1']).toHaveLength(0);
    await deps.forwarder.close();
  });

  it('answers 503 at once, naming the partition, when the map marks it down; other partitions’ customers are served', async () => {
    await setState('orders-2', 'down');
    const { app, deps } = await gatewayWith();
    const started = performance.now();
    const res = await app.request('/api/orders', bearer(tokens.alice));
    expect(performance.now() - started).toBeLessThan(100);
    expect(res.status).toBe(503);
    expect(res.headers.get('x-cell-partition')).toBe('orders-2');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await problemOf(res)).toMatchObject({
      type: '/api/problems/partition-unavailable',
      title: 'Partition unavailable',
      detail: expect.stringMatching(/^Partition orders-2 of the orders cell is unavailable/),
    });
    expect(received['orders-2']).toHaveLength(0);

    const bob = await app.request('/api/orders', bearer(tokens.bob));
    expect(bob.status).toBe(200);
    expect(bob.headers.get('x-cell-partition')).toBe('orders-1');
    await deps.forwarder.close();
  });

  it('keeps serving a customer whose partition is draining', async () => {
    await setState('orders-2', 'draining');
    const { app, deps } = await gatewayWith();
    const res = await app.request('/api/orders', bearer(tokens.alice));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cell-partition')).toBe('orders-2');
    await deps.forwarder.close();
  });

  it('answers 503 naming the partition when its gateway refuses the connection', async () => {
    const { app, deps } = await gatewayWith({ ...gateways, 'orders-2': await closedUrl() });
    const res = await app.request('/api/orders', bearer(tokens.alice));
    expect(res.status).toBe(503);
    expect(res.headers.get('x-cell-partition')).toBe('orders-2');
    expect((await problemOf(res)).detail).toMatch(/Partition orders-2 of the orders cell is unavailable/);
    expect((await app.request('/api/orders', bearer(tokens.bob))).status).toBe(200);
    await deps.forwarder.close();
  });

  it('answers 503 when no partition takes a new customer', async () => {
    await setState('orders-1', 'draining');
    await setState('orders-2', 'down');
    const { app, deps } = await gatewayWith();
    const admin = await app.request('/api/orders', bearer(tokens.admin));
    // Known customers keep their partition; the operator's own is draining, so served.
    expect(admin.status).toBe(200);
    const signUp = await postRegister(app, { email: 'newcomer@example.com', password: 'a-long-password-1', name: 'New Comer' });
    expect(signUp.status).toBe(201);
    const newcomer = await userToken(app, 'newcomer@example.com', 'a-long-password-1');
    const res = await app.request('/api/orders', bearer(newcomer));
    expect(res.status).toBe(503);
    expect((await problemOf(res)).detail).toMatch(/No partition of the orders cell takes new customers/);
    await deps.forwarder.close();
  });

  it('asks for a token: the partition is the caller’s', async () => {
    const { app, deps } = await gatewayWith();
    const res = await app.request('/api/orders');
    expect(res.status).toBe(401);
    expect(received['orders-1']!.length + received['orders-2']!.length).toBe(0);
    await deps.forwarder.close();
  });
});

describe('cell router: operators', () => {
  it('finds the partition that holds an order by asking each gateway HEAD with the operator’s token, and reads it there', async () => {
    const { app, deps } = await gatewayWith();
    const res = await app.request('/api/orders/order-in-2', bearer(tokens.admin));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cell-partition')).toBe('orders-2');
    expect(await res.json()).toEqual({ servedBy: 'orders-2', url: '/orders/order-in-2' });
    for (const name of ['orders-1', 'orders-2'])
      expect(received[name]![0]).toMatchObject({
        method: 'HEAD',
        url: '/orders/order-in-2',
        headers: { authorization: `Bearer ${tokens.admin}` },
      });
    expect(received['orders-2']!.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    expect(received['orders-1']!.map((r) => r.method)).toEqual(['HEAD']);
    await deps.forwarder.close();
  });

  it('answers 404 when no partition holds it, and 503 naming a partition that could not be asked', async () => {
    const { app, deps } = await gatewayWith();
    const missing = await app.request('/api/orders/no-such-order', bearer(tokens.admin));
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).detail).toMatch(/No partition of the orders cell has \/api\/orders\/no-such-order/);
    expect(received['orders-1']!.length + received['orders-2']!.length).toBe(2);

    await setState('orders-1', 'down');
    const unsure = await app.request('/api/orders/no-such-order', bearer(tokens.admin));
    expect(unsure.status).toBe(503);
    expect(unsure.headers.get('x-cell-partition')).toBe('orders-1');
    expect((await problemOf(unsure)).detail).toMatch(/^Partition orders-1 of the orders cell is unavailable/);
    // Marked down: not even asked.
    expect(received['orders-1']).toHaveLength(1);
    await deps.forwarder.close();
  });

  it('sends an operator’s request to the partition named in X-Cell-Partition; an unknown name is a 400', async () => {
    const { app, deps } = await gatewayWith();
    const named = await app.request('/api/orders', bearer(tokens.admin, { 'x-cell-partition': 'orders-2' }));
    expect(named.status).toBe(200);
    expect(named.headers.get('x-cell-partition')).toBe('orders-2');
    expect(received['orders-2']!.map((r) => r.url)).toEqual(['/orders']);

    const unknown = await app.request('/api/orders', bearer(tokens.admin, { 'x-cell-partition': 'orders-7' }));
    expect(unknown.status).toBe(400);
    expect((await problemOf(unknown)).detail).toBe('The orders cell has no partition orders-7; it has orders-1, orders-2.');
    await deps.forwarder.close();
  });

  it('sends anything else of an operator to their own partition', async () => {
    const { app, deps } = await gatewayWith();
    const res = await app.request('/api/orders', bearer(tokens.admin));
    expect(res.headers.get('x-cell-partition')).toBe('orders-1');
    expect(received['orders-1']!.map((r) => r.url)).toEqual(['/orders']);
    await deps.forwarder.close();
  });
});

describe('cell router on the streaming fast path (real server)', () => {
  let server: ServerType;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const { app, deps } = await gatewayWith();
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', autoCleanupIncoming: false }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.forwarder.close();
    };
  });
  afterAll(() => close());

  it('names the partition on a streamed answer and on the router’s own 503', async () => {
    const res = await fetch(`${base}/api/orders`, bearer(tokens.alice));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cell-partition')).toBe('orders-2');
    expect(res.headers.get('x-request-id')).toMatch(/.+/);
    expect(await res.json()).toEqual({ servedBy: 'orders-2', url: '/orders' });

    await setState('orders-2', 'down');
    const down = await fetch(`${base}/api/orders`, bearer(tokens.alice));
    expect(down.status).toBe(503);
    expect(down.headers.get('x-cell-partition')).toBe('orders-2');
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
