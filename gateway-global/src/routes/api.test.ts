import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { freePort } from '@retail/testing';
import { productsCell } from '@retail/products-contract';
import { shippingCell } from '@retail/shipping-contract';
import type { GatewayDeps } from '../app.ts';
import { postToken, TEST_CLIENT_SECRETS, testGateway, userToken } from '../../test/test-support.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Stands in for the products cell gateway: records what arrives and answers with what a gateway would. */
const received: Received[] = [];
let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  const port = await freePort();
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'x-served-by': 'products-gateway' });
      res.end(JSON.stringify({ echo: req.url }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(port, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
});

const gatewayTo = (url: string, overrides: Partial<GatewayDeps> = {}) =>
  testGateway({ cellGateways: [{ cell: productsCell, url }], ...overrides });

describe('/api routing (in process)', () => {
  it('strips /api, keeps the query and passes the Authorization header untouched', async () => {
    const { app, deps } = await gatewayTo(upstreamUrl);
    const alice = await userToken(app, 'alice@example.com', 'alice');
    const res = await app.request('/api/products?q=x&sort=-price', { headers: { authorization: `Bearer ${alice}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-served-by')).toBe('products-gateway');
    expect(await res.json()).toEqual({ echo: '/products?q=x&sort=-price' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'GET', url: '/products?q=x&sort=-price' });
    expect(received[0]!.headers.authorization).toBe(`Bearer ${alice}`);
    await deps.forwarder.close();
  });

  it('routes deeper paths of a declared prefix to the same cell', async () => {
    const { app, deps } = await gatewayTo(upstreamUrl);
    const res = await app.request('/api/products/SKU-1');
    expect(res.status).toBe(200);
    expect(received.map((r) => r.url)).toEqual(['/products/SKU-1']);
    await deps.forwarder.close();
  });

  it('passes POST bodies through and returns the upstream status', async () => {
    const { app, deps } = await gatewayTo(upstreamUrl);
    const product = { sku: 'SKU-9', name: 'Kettle' };
    const admin = await userToken(app, 'admin@example.com', 'admin');
    const res = await app.request('/api/products', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify(product),
    });
    expect(res.status).toBe(201);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/products', body: JSON.stringify(product) });
    expect(received[0]!.headers['content-type']).toBe('application/json');
    await deps.forwarder.close();
  });

  it('answers 404 problem+json for a prefix no cell declares, without calling any cell', async () => {
    const { app, deps } = await gatewayTo(upstreamUrl);
    for (const path of ['/api/payments/1', '/api/', '/api']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(received).toHaveLength(0);
    await deps.forwarder.close();
  });

  it('serves people only: routes for other cells are not routed, and a client-credentials token is refused elsewhere', async () => {
    const { app, deps } = await testGateway({
      cellGateways: [
        { cell: productsCell, url: upstreamUrl },
        { cell: shippingCell, url: upstreamUrl },
      ],
    });
    const issued = await postToken(app, {
      grant_type: 'client_credentials',
      client_id: 'orders',
      client_secret: TEST_CLIENT_SECRETS.orders,
    });
    const machine = { authorization: `Bearer ${((await issued.json()) as { access_token: string }).access_token}` };
    const alice = { authorization: `Bearer ${await userToken(app, 'alice@example.com', 'alice')}` };

    for (const [method, path] of [
      ['POST', '/api/shipments/by-order/order-1/cancel'],
      ['GET', '/api/prices?sku=KIT-PAN'],
    ] as const) {
      for (const headers of [machine, alice, {}]) {
        const res = await app.request(path, { method, headers });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
      }
    }
    const refused = await app.request('/api/shipments', { headers: machine });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect((await app.request('/api/products', { method: 'POST', headers: machine })).status).toBe(403);
    expect(received).toHaveLength(0);

    // Public routes are as open to a machine token as to anyone; people's tokens go on as before.
    expect((await app.request('/api/products/SKU-1', { headers: machine })).status).toBe(200);
    expect((await app.request('/api/shipments/by-order/order-1/cancel', { method: 'GET', headers: alice })).status).toBe(200);
    expect(received.map((r) => r.url)).toEqual(['/products/SKU-1', '/shipments/by-order/order-1/cancel']);
    await deps.forwarder.close();
  });

  it('answers 503 problem+json when the cell gateway is down', async () => {
    const { app, deps } = await gatewayTo(`http://127.0.0.1:${await freePort()}`);
    const res = await app.request('/api/products');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as { status: number; detail: string };
    expect(problem.status).toBe(503);
    expect(problem.detail).toMatch(/products/);
    await deps.forwarder.close();
  });
});

describe('/api routing (real server, streaming fast path)', () => {
  let server: ServerType;
  let base: string;
  let close: () => Promise<void>;

  let alice: string;

  beforeAll(async () => {
    const { app, deps } = await gatewayTo(upstreamUrl);
    alice = await userToken(app, 'alice@example.com', 'alice');
    const port = await freePort();
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1', autoCleanupIncoming: false }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.forwarder.close();
    };
  });
  afterAll(() => close());

  it('streams the request body through and keeps the storefront CORS and request-id headers', async () => {
    const body = JSON.stringify({ sku: 'SKU-10', description: 'd'.repeat(20_000) });
    const res = await fetch(`${base}/api/products?dryRun=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}`, origin: 'http://localhost:5173' },
      body,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-served-by')).toBe('products-gateway');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('x-request-id')).toMatch(/.+/);
    expect(await res.json()).toEqual({ echo: '/products?dryRun=1' });
    expect(received[0]).toMatchObject({ url: '/products?dryRun=1', body });
    expect(received[0]!.headers.authorization).toBe(`Bearer ${alice}`);
    expect(received[0]!.headers['x-request-id']).toBe(res.headers.get('x-request-id'));
  });

  it('still answers problems for unknown prefixes', async () => {
    const res = await fetch(`${base}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
