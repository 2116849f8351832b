import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_AUDIENCE, createVerifier, internalAudience, internalIssuer, openKeyStore, signToken, type KeyStore } from '@retail/auth';
import { createCellGateway, createForwarder } from '@retail/gateway';
import { instanceName, runningCell } from '@retail/descriptor';
import { eventOrigin } from '@retail/events';
import { cachedClientCredentials, cellWorkloadTokens, createCircuitBreaker, fixedPool } from '@retail/http-client';
import { createLogger, serveApp, type RunningServer } from '@retail/kernel';
import {
  createApp as createCheckoutApp,
  createCheckout,
  ordersCore,
  ordersCoreHttpClient,
  productsGatewayClient,
  productsPriceSource,
  shippingGatewayClient,
  shippingShipmentCanceller,
} from '@retail/orders-checkout';
import { ordersCell } from '@retail/orders-contract';
import { createApp as createOrdersApp, createOrderBook, openOwnDatabase } from '@retail/orders-orders';
import { freePort, json } from '@retail/testing';

/**
 * The whole orders cell on real ports, as its partition `orders-2` runs it: its gateway in front of the
 * real orders and checkout services, checkout getting its workload tokens from the gateway and its
 * client-credentials token (as client `orders-2`) from a stand-in token service, and prices from a
 * stand-in products gateway. The cell boundary as clients see it.
 */
const partition = runningCell(ordersCell, { CELL_PARTITION: 'orders-2' });
const ISSUER = 'http://issuer.test';
const CHECKOUT_SECRET = 'orders-checkout-test-secret';
const CORE_SECRET = 'orders-orders-test-secret';
const CLIENT_SECRET = 'orders-test-client-secret';
const logger = createLogger({ name: 'test', level: 'silent' });
const forwarder = createForwarder();
let issuerKeys: KeyStore;
let servers: RunningServer[] = [];
const stubs: Server[] = [];
let base: string;
let coreUrl: string;
let closeClients: () => Promise<void>;
const tokenRequests: string[] = [];

const token = (sub: string, scopes: string[]) =>
  signToken(issuerKeys, { principal: { sub, scopes }, issuer: ISSUER, audience: API_AUDIENCE, ttlSeconds: 300 });

/** A tiny node:http server for the parts of other cells checkout talks to. */
async function stub(
  handler: (req: { method?: string; url?: string; authorization?: string }) => { status: number; body: unknown },
): Promise<string> {
  const server = createServer((req, res) => {
    const { status, body } = handler({ method: req.method, url: req.url, authorization: req.headers.authorization });
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stubs.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  issuerKeys = await openKeyStore({ alg: 'ES256' });
  const internalKeys = await openKeyStore({ alg: 'EdDSA' });
  const gatewayPort = await freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const verifyInternal = createVerifier({
    jwks: () => internalKeys.jwks(),
    issuer: internalIssuer('orders'),
    audience: internalAudience('orders'),
    algorithms: ['EdDSA'],
  });

  // gateway-global's token service, as far as checkout uses it: client credentials for the partition.
  const tokenUrl = await stub((req) => {
    tokenRequests.push(req.authorization ?? '');
    const ok = req.authorization === `Basic ${Buffer.from(`orders-2:${CLIENT_SECRET}`).toString('base64')}`;
    return ok
      ? { status: 200, body: { access_token: 'orders-cell-client-token', token_type: 'Bearer', expires_in: 300 } }
      : { status: 401, body: { error: 'invalid_client' } };
  });
  // The products gateway: prices, for the orders cell's client token only.
  const productsUrl = await stub((req) => {
    if (req.authorization !== 'Bearer orders-cell-client-token') return { status: 401, body: { status: 401 } };
    const skus = new URL(req.url ?? '/', 'http://x').searchParams.getAll('sku');
    const known: Record<string, number> = { 'KIT-PAN': 4500, 'KIT-KNIFE': 8900 };
    return {
      status: 200,
      body: {
        items: skus.filter((s) => s in known).map((sku) => ({ sku, name: sku, price: { amount: known[sku], currency: 'USD' } })),
        missing: skus.filter((s) => !(s in known)),
      },
    };
  });

  // The shipping gateway: cancels an order's shipment, for the orders cell's client token only.
  const shippingUrl = await stub((req) =>
    req.authorization === 'Bearer orders-cell-client-token'
      ? { status: 200, body: { status: 'CANCELLED' } }
      : { status: 401, body: { status: 401 } },
  );

  const database = openOwnDatabase(':memory:');
  // One process hosts the gateway and the services: all keep Node's own Response (see serveApp).
  const core = await serveApp({
    app: createOrdersApp({ orders: createOrderBook(database.db, eventOrigin(partition, 'orders')), verifyToken: verifyInternal, logger }),
    port: 0,
    hostname: '127.0.0.1',
    logger,
    onShutdown: [database.close],
    lightweightResponses: false,
  });
  coreUrl = `http://127.0.0.1:${core.port}`;

  const ordersClient = ordersCoreHttpClient({
    pool: fixedPool('ordersCoreHttpClient', coreUrl),
    token: cellWorkloadTokens({ cellGatewayUrl: gatewayUrl, component: 'checkout', workloadSecret: CHECKOUT_SECRET }),
  });
  const cellToken = cachedClientCredentials({
    tokenUrl: `${tokenUrl}/auth/token`,
    // As checkout's composition root does: each partition is a client of its own.
    clientId: instanceName(partition),
    secret: CLIENT_SECRET,
    name: 'the token service',
  });
  const productsClient = productsGatewayClient({
    breaker: createCircuitBreaker({ name: 'products cell' }),
    pool: fixedPool('productsGatewayClient', productsUrl),
    timeoutMs: 1_000,
    token: cellToken,
  });
  const shippingClient = shippingGatewayClient({ pool: fixedPool('shippingGatewayClient', shippingUrl), token: cellToken });
  closeClients = async () => void (await Promise.all([ordersClient.close(), productsClient.close(), shippingClient.close()]));
  const checkout = createCheckout({
    prices: productsPriceSource(productsClient, logger),
    orders: ordersCore(ordersClient),
    cancelShipment: shippingShipmentCanceller(shippingClient, logger),
    logger,
  });
  const checkoutServer = await serveApp({
    app: createCheckoutApp({ checkout, verifyToken: verifyInternal, logger }),
    port: 0,
    hostname: '127.0.0.1',
    logger,
    lightweightResponses: false,
  });

  const gateway = createCellGateway({
    cell: partition,
    logger,
    verifyToken: createVerifier({ jwks: () => issuerKeys.jwks(), issuer: ISSUER, audience: API_AUDIENCE, algorithms: ['ES256'] }),
    internalKeys,
    upstreams: { orders: coreUrl, checkout: `http://127.0.0.1:${checkoutServer.port}` },
    forwarder,
    workloadSecrets: { orders: CORE_SECRET, checkout: CHECKOUT_SECRET },
  });
  const gatewayServer = await serveApp({ app: gateway, port: gatewayPort, hostname: '127.0.0.1', logger, streamingBodies: true });
  base = gatewayUrl;
  servers = [gatewayServer, checkoutServer, core];
});

afterAll(async () => {
  for (const server of servers) await server.close();
  for (const server of stubs) await new Promise((resolve) => server.close(resolve));
  await closeClients();
  await forwarder.close();
});

const address = { name: 'Alice Doe', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const send = (method: string, path: string, bearer?: string, options: { body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
const placeOrder = (bearer: string | undefined, key: string, lines = [{ sku: 'KIT-PAN', quantity: 2 }]) =>
  send('POST', '/orders', bearer, { body: { lines, shippingAddress: address }, headers: { 'idempotency-key': key } });

describe('orders gateway: a customer’s orders', () => {
  it('places an order for the customer the token names, priced by the products cell, and shows it to them only', async () => {
    const alice = await token('user-alice', ['orders:read', 'orders:write']);
    const res = await placeOrder(alice, 'gateway-key-0001');
    expect(res.status).toBe(201);
    const order = await json(res);
    expect(order).toMatchObject({
      customerId: 'user-alice',
      status: 'PENDING',
      total: 9000,
      lines: [{ sku: 'KIT-PAN', unitPrice: 4500, quantity: 2 }],
    });
    expect(res.headers.get('location')).toBe(`/orders/${order.id}`);
    // checkout authenticated at the token service as its partition of the orders cell, with its client secret.
    expect(tokenRequests[0]).toBe(`Basic ${Buffer.from(`orders-2:${CLIENT_SECRET}`).toString('base64')}`);

    expect(await json(await send('GET', `/orders/${order.id}`, alice))).toEqual(order);
    expect((await json(await send('GET', '/orders', alice))).items.map((o: { id: string }) => o.id)).toContain(order.id);
    const bob = await token('user-bob', ['orders:read', 'orders:write']);
    expect((await send('GET', `/orders/${order.id}`, bob)).status).toBe(404);
    expect((await json(await send('GET', '/orders', bob))).total).toBe(0);
  });

  it('passes the Idempotency-Key through: a retry gets the same answer, another body with it 422', async () => {
    const alice = await token('user-alice', ['orders:read', 'orders:write']);
    const first = await placeOrder(alice, 'gateway-key-0002');
    const again = await placeOrder(alice, 'gateway-key-0002');
    expect(again.status).toBe(201);
    expect(await json(again)).toEqual(await json(first));
    expect((await placeOrder(alice, 'gateway-key-0002', [{ sku: 'KIT-KNIFE', quantity: 1 }])).status).toBe(422);
    expect((await placeOrder(alice, 'x')).status).toBe(400);
  });

  it('cancels through the gateway, and never lets another customer do it', async () => {
    const alice = await token('user-alice', ['orders:read', 'orders:write']);
    const order = await json(await placeOrder(alice, 'gateway-key-0003'));
    const bob = await token('user-bob', ['orders:read', 'orders:write']);
    expect((await send('POST', `/orders/${order.id}/cancel`, bob)).status).toBe(404);
    const cancelled = await send('POST', `/orders/${order.id}/cancel`, alice);
    expect(cancelled.status).toBe(200);
    expect((await json(cancelled)).status).toBe('CANCELLED');
  });
});

describe('orders gateway: the boundary', () => {
  it('needs a token with the route’s scope: 401 without one, 403 without orders:write or orders:read', async () => {
    expect((await placeOrder(undefined, 'gateway-key-0004')).status).toBe(401);
    expect((await send('GET', '/orders')).status).toBe(401);
    const reader = await token('user-alice', ['orders:read']);
    const refused = await placeOrder(reader, 'gateway-key-0005');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await send('GET', '/orders', await token('user-alice', ['prices:read']))).status).toBe(403);
  });

  it('does not expose the cell-internal commands, even to operators', async () => {
    const admin = await token('user-admin', ['orders:read', 'orders:write', 'orders:admin', 'orders:internal']);
    expect((await send('POST', '/internal/orders', admin, { body: {} })).status).toBe(404);
    expect(
      (
        await send('POST', '/internal/orders/x/transitions', admin, {
          body: { to: 'CONFIRMED' },
          headers: { 'idempotency-key': 'abcdefgh1' },
        })
      ).status,
    ).toBe(404);
  });

  it('keeps the services behind it unreachable with the caller’s own token', async () => {
    const alice = await token('user-alice', ['orders:read', 'orders:write', 'orders:internal']);
    expect((await fetch(`${coreUrl}/orders`, { headers: { authorization: `Bearer ${alice}` } })).status).toBe(401);
    const direct = await fetch(`${coreUrl}/internal/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(direct.status).toBe(401);
  });

  it('issues workload tokens only to the cell’s own components holding the cell secret', async () => {
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const ask = (authorization: string) => fetch(`${base}/internal/token`, { method: 'POST', headers: { authorization } });
    const ok = await ask(basic('checkout', CHECKOUT_SECRET));
    expect(ok.status).toBe(200);
    const claims = JSON.parse(Buffer.from((await json(ok)).access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'service:orders/checkout', scope: 'orders:internal', aud: 'cell:orders' });
    expect((await ask(basic('checkout', 'not-the-secret'))).status).toBe(401);
    expect((await ask(basic('allocation', CHECKOUT_SECRET))).status).toBe(401);
    // The core's own credential yields the core's token, never checkout's.
    expect((await ask(basic('checkout', CORE_SECRET))).status).toBe(401);
  });
});
