import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_AUDIENCE, createVerifier, internalAudience, internalIssuer, openKeyStore, signToken, type KeyStore } from '@retail/auth';
import { createCellGateway, createForwarder } from '@retail/gateway';
import { instanceName, runningCell } from '@retail/descriptor';
import { createEvent } from '@retail/events';
import { cachedClientCredentials, cellWorkloadTokens, fixedPool } from '@retail/http-client';
import { createLogger, serveApp, type RunningServer } from '@retail/kernel';
import {
  createApp as createCheckoutApp,
  createCheckout,
  ordersCore,
  ordersCoreHttpClient,
  shippingGatewayClient,
  shippingShipmentCanceller,
} from '@retail/orders-checkout';
import { ordersCell } from '@retail/orders-contract';
import { exampleProducts } from '@retail/orders-contract/testing';
import { createApp as createOrdersApp, openOwnDatabase, partitionServices, priceHandlers } from '@retail/orders-orders';
import { freePort, json } from '@retail/testing';

/**
 * The whole orders cell on real ports, as its partition `orders-2` runs it: its gateway in front of the
 * real orders and checkout services, checkout getting its workload tokens from the gateway and its
 * client-credentials token (as client `orders-2`) from a stand-in token service, the core pricing orders
 * from its projection of the catalog (fed here as its consumer would). The cell boundary as clients see it.
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

const token = (sub: string, scopes: string[]) =>
  signToken(issuerKeys, { principal: { sub, scopes }, issuer: ISSUER, audience: API_AUDIENCE, ttlSeconds: 300 });
/** Another cell's client-credentials token (the placement cell's migration controller, another partition). */
const machineToken = (clientId: string, scopes: string[]) =>
  signToken(issuerKeys, {
    principal: { sub: `client:${clientId}`, scopes, clientId },
    issuer: ISSUER,
    audience: API_AUDIENCE,
    ttlSeconds: 300,
  });

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
    const ok = req.authorization === `Basic ${Buffer.from(`orders-2:${CLIENT_SECRET}`).toString('base64')}`;
    return ok
      ? { status: 200, body: { access_token: 'orders-cell-client-token', token_type: 'Bearer', expires_in: 300 } }
      : { status: 401, body: { error: 'invalid_client' } };
  });
  // The shipping gateway: cancels an order's shipment, for the orders cell's client token only.
  const shippingUrl = await stub((req) =>
    req.authorization === 'Bearer orders-cell-client-token'
      ? { status: 200, body: { status: 'CANCELLED' } }
      : { status: 401, body: { status: 401 } },
  );

  const database = openOwnDatabase(':memory:');
  const created = priceHandlers()['products.product.created']!;
  for (const product of exampleProducts) {
    const event = createEvent({
      source: '/cells/products/catalog',
      type: 'products.product.created',
      subject: product.sku,
      data: { product },
    });
    database.db.transaction((tx) => 'handle' in created && created.handle(tx, event.data, event));
  }
  // One process hosts the gateway and the services: all keep Node's own Response (see serveApp).
  const core = await serveApp({
    app: createOrdersApp({
      ...partitionServices(database.db, partition),
      verifyToken: verifyInternal,
      logger,
    }),
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
  const shippingClient = shippingGatewayClient({ pool: fixedPool('shippingGatewayClient', shippingUrl), token: cellToken });
  closeClients = async () => void (await Promise.all([ordersClient.close(), shippingClient.close()]));
  const checkout = createCheckout({
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
  it('places an order for the customer the token names, priced by the orders core, and shows it to them only', async () => {
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

describe('orders gateway: moving customers between partitions', () => {
  it('forwards the migration controller’s token to the core with its scope, and a person never', async () => {
    const controller = await machineToken('placement', ['orders:migrate']);
    const migrationId = randomUUID();
    const frozen = await send('POST', '/migration/customers/user-carol/freeze', controller, { body: { migrationId, to: 'orders-1' } });
    expect(frozen.status).toBe(200);
    expect(await json(frozen)).toMatchObject({ customerId: 'user-carol', state: 'leaving', partition: 'orders-1' });
    const held = await json(await send('GET', '/migration/customers', controller));
    expect(held.customers).toContainEqual({ customerId: 'user-alice', orders: expect.any(Number) });

    // Carol's writes wait meanwhile: checkout tells her to try again in a second, through the gateway.
    const carol = await token('user-carol', ['orders:read', 'orders:write']);
    const refused = await placeOrder(carol, 'gateway-key-0006');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');

    // People (even with the scope) and other cells without it are refused at the gateway.
    const operator = await token('user-admin', ['orders:admin', 'orders:migrate']);
    expect((await send('POST', '/migration/customers/user-carol/unfreeze', operator, { body: { migrationId } })).status).toBe(403);
    const partitionToken = await machineToken('orders-1', ['orders:handover']);
    expect((await send('POST', '/migration/customers/user-carol/unfreeze', partitionToken, { body: { migrationId } })).status).toBe(403);

    const undone = await send('POST', '/migration/customers/user-carol/unfreeze', controller, { body: { migrationId } });
    expect(await json(undone)).toMatchObject({ state: 'serving' });
    expect((await placeOrder(carol, 'gateway-key-0006')).status).toBe(201);
  });

  it('applies a saga step another partition hands over, once per Idempotency-Key, for its client token only', async () => {
    const carol = await token('user-carol', ['orders:read', 'orders:write']);
    const order = await json(await placeOrder(carol, 'gateway-key-0007'));
    const handOver = (bearer: string, key = 'event-id-0001') =>
      send('POST', `/migration/orders/${order.id}/transitions`, bearer, { body: { to: 'CONFIRMED' }, headers: { 'idempotency-key': key } });
    const partitionToken = await machineToken('orders-1', ['orders:handover']);
    const confirmed = await handOver(partitionToken);
    expect(confirmed.status).toBe(200);
    expect(await json(confirmed)).toMatchObject({ id: order.id, status: 'CONFIRMED' });
    expect((await json(await handOver(partitionToken))).history).toHaveLength(2);
    expect((await handOver(await machineToken('placement', ['orders:migrate']))).status).toBe(403);
    expect((await handOver(await token('user-admin', ['orders:admin', 'orders:handover']))).status).toBe(403);
  });
});
