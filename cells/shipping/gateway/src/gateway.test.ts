import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_AUDIENCE, createVerifier, internalAudience, internalIssuer, openKeyStore, signToken, type KeyStore } from '@retail/auth';
import { createCellGateway, createForwarder } from '@retail/gateway';
import { createLogger, serveApp, type RunningServer } from '@retail/kernel';
import { shippingCell, type Shipment } from '@retail/shipping-contract';
import { createApp as createShipmentsApp, createShipments, openOwnDatabase, type Shipments } from '@retail/shipping-shipments';
import { json, OPERATOR } from '@retail/testing';

/**
 * The shipping gateway in front of the real shipments service, both listening on real ports:
 * the cell boundary as customers, operators and the cell's own fulfillment see it.
 */
const ISSUER = 'http://issuer.test';
const FULFILLMENT_SECRET = 'shipping-fulfillment-test-secret';
const logger = createLogger({ name: 'test', level: 'silent' });
let issuerKeys: KeyStore;
let gateway: RunningServer;
let core: RunningServer;
let shipments: Shipments;
let base: string;
let coreBase: string;
let alices: Shipment;
let bobs: Shipment;
const forwarder = createForwarder();

const token = (sub: string, scopes: string[], overrides: { ttlSeconds?: number; audience?: string } = {}) =>
  signToken(issuerKeys, {
    principal: { sub, scopes },
    issuer: ISSUER,
    audience: overrides.audience ?? API_AUDIENCE,
    ttlSeconds: overrides.ttlSeconds ?? 300,
  });
const customer = (sub: string) => token(sub, ['orders:read', 'orders:write']);
const operator = () => token('user-operator', ['orders:read', 'orders:admin', 'shipments:write']);

const address = { name: 'Alice Example', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
const command = (orderId: string, customerId: string) => ({
  orderId,
  partition: 'orders-1',
  customerId,
  address,
  lines: [{ sku: 'KIT-CHEF-KNIFE', quantity: 1 }],
});

beforeAll(async () => {
  issuerKeys = await openKeyStore({ alg: 'ES256' });
  const internalKeys = await openKeyStore({ alg: 'EdDSA' });
  const database = openOwnDatabase(':memory:');
  shipments = createShipments(database.db);
  alices = shipments.create(command('order-alice', 'user-alice'), randomUUID()).shipment;
  bobs = shipments.create(command('order-bob', 'user-bob'), randomUUID()).shipment;
  const shipmentsApp = createShipmentsApp({
    shipments,
    logger,
    verifyToken: createVerifier({
      jwks: () => internalKeys.jwks(),
      issuer: internalIssuer('shipping'),
      audience: internalAudience('shipping'),
      algorithms: ['EdDSA'],
    }),
  });
  core = await serveApp({
    app: shipmentsApp,
    port: 0,
    hostname: '127.0.0.1',
    logger,
    onShutdown: [database.close],
    lightweightResponses: false,
  });
  coreBase = `http://127.0.0.1:${core.port}`;
  const app = createCellGateway({
    cell: shippingCell,
    logger,
    verifyToken: createVerifier({ jwks: () => issuerKeys.jwks(), issuer: ISSUER, audience: API_AUDIENCE, algorithms: ['ES256'] }),
    internalKeys,
    upstreams: { shipments: coreBase, fulfillment: 'http://127.0.0.1:1' },
    forwarder,
    workloadSecrets: { shipments: 'shipping-shipments-test-secret', fulfillment: FULFILLMENT_SECRET },
  });
  gateway = await serveApp({ app, port: 0, hostname: '127.0.0.1', logger, streamingBodies: true });
  base = `http://127.0.0.1:${gateway.port}`;
});

afterAll(async () => {
  await gateway.close();
  await core.close();
  await forwarder.close();
});

const get = async (path: string, bearer?: string) =>
  fetch(`${base}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
const post = async (path: string, bearer?: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

describe('shipping gateway: customers and operators', () => {
  it('shows a customer only the shipments of their own orders', async () => {
    const res = await get('/shipments', await customer('user-alice'));
    expect(res.status).toBe(200);
    const page = await json(res);
    expect(page.items.map((s: Shipment) => s.orderId)).toEqual(['order-alice']);
    expect((await get(`/shipments/${bobs.id}`, await customer('user-alice'))).status).toBe(404);
    expect((await get(`/shipments/${alices.id}`, await customer('user-alice'))).status).toBe(200);
  });

  it('lets an operator see every shipment, dispatch and deliver', async () => {
    const admin = await operator();
    expect((await json(await get('/shipments', admin))).total).toBe(2);
    const dispatched = await post(`/shipments/${bobs.id}/dispatch`, admin);
    expect(dispatched.status).toBe(200);
    expect((await json(dispatched)).status).toBe('DISPATCHED');
    expect((await json(await post(`/shipments/${bobs.id}/deliver`, admin))).status).toBe('DELIVERED');
    const again = await post(`/shipments/${bobs.id}/deliver`, admin);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a customer on the operator routes with 403, and callers without a valid token with 401', async () => {
    const res = await post(`/shipments/${alices.id}/dispatch`, await customer('user-alice'));
    expect(res.status).toBe(403);
    expect((await post(`/shipments/${alices.id}/dispatch`)).status).toBe(401);
    expect((await get('/shipments')).status).toBe(401);
    expect((await get('/shipments', await token('user-alice', ['orders:read'], { ttlSeconds: -60 }))).status).toBe(401);
    expect((await get('/shipments', await token('user-alice', ['orders:read'], { audience: 'cell:shipping' }))).status).toBe(401);
    expect((await get('/shipments', await token('user-alice', ['products:write']))).status).toBe(403);
    expect(shipments.get(alices.id, OPERATOR).status).toBe('PENDING');
  });
});

describe('shipping gateway: the cell-internal commands', () => {
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  it('never routes the internal commands, whatever the caller’s token', async () => {
    const admin = await operator();
    const res = await fetch(`${base}/internal/shipments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(command('order-sneaky', 'user-alice')),
    });
    expect(res.status).toBe(404);
    expect((await post('/internal/shipments/by-order/order-alice/cancel', admin)).status).toBe(404);
    expect(shipments.list({ page: 1, pageSize: 20 }, OPERATOR).total).toBe(2);
    expect(shipments.get(alices.id, OPERATOR).status).toBe('PENDING');
  });

  it('issues fulfillment a workload token that the shipments core accepts for its commands', async () => {
    const issued = await fetch(`${base}/internal/token`, {
      method: 'POST',
      headers: { authorization: basic('fulfillment', FULFILLMENT_SECRET) },
    });
    expect(issued.status).toBe(200);
    const { access_token: workload } = await json(issued);
    const res = await fetch(`${coreBase}/internal/shipments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workload}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(command('order-carol', 'user-carol')),
    });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ orderId: 'order-carol', status: 'PENDING' });
    expect(
      (await fetch(`${base}/internal/token`, { method: 'POST', headers: { authorization: basic('fulfillment', 'wrong-secret') } })).status,
    ).toBe(401);
  });

  it('refuses an operator’s token sent straight to the core, bypassing the gateway', async () => {
    const admin = await operator();
    const refused = await fetch(`${coreBase}/internal/shipments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(command('order-dave', 'user-dave')),
    });
    expect(refused.status).toBe(401);
  });
});
