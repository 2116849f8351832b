import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_AUDIENCE,
  createVerifier,
  internalTokenVerifier,
  openKeyStore,
  signToken,
  type KeyStore,
  type TokenVerifier,
} from '@retail/auth';
import { createCellGateway, createForwarder } from '@retail/gateway';
import { cellWorkloadTokens, createHttpClient } from '@retail/http-client';
import { inventoryCell } from '@retail/inventory-contract';
import { createStockCommands } from '@retail/inventory-allocation';
import { createApp as createStockApp, createReservations, createStock, openOwnDatabase, openStock } from '@retail/inventory-stock';
import { createLogger, serveApp, type RunningServer } from '@retail/kernel';
import { json } from '@retail/testing';
import { internalJwksUrl } from '@retail/descriptor';

/**
 * The inventory gateway in front of the real stock service, both on real ports: what a client of the
 * cell sees, and how allocation gets its workload token from the gateway to command stock.
 */
const ISSUER = 'http://issuer.test';
const SECRET = 'inventory-test-secret';
const logger = createLogger({ name: 'test', level: 'silent' });
const forwarder = createForwarder();
let issuerKeys: KeyStore;
let gateway: RunningServer;
let stockServer: RunningServer;
let database: ReturnType<typeof openOwnDatabase>;
let base: string;
let stockUrl: string;

const token = (scopes: string[], sub = 'user-x') =>
  signToken(issuerKeys, { principal: { sub, scopes }, issuer: ISSUER, audience: API_AUDIENCE, ttlSeconds: 300 });

beforeAll(async () => {
  issuerKeys = await openKeyStore({ alg: 'ES256' });
  database = openOwnDatabase(':memory:');
  database.db.transaction((tx) => {
    openStock(tx, 'KIT-PAN', 10);
    openStock(tx, 'OUT-TENT-2P', 3);
  });
  // stock trusts the gateway's internal tokens through the gateway's JWKS, as in production; the gateway's
  // URL is known only once it listens, and the verifier fetches the keys on first use.
  let verify: TokenVerifier = async () => {
    throw new Error('gateway not started');
  };
  const stockApp = createStockApp({
    stock: createStock(database.db),
    reservations: createReservations(database.db),
    verifyToken: (t) => verify(t),
    logger,
  });
  stockServer = await serveApp({ app: stockApp, port: 0, hostname: '127.0.0.1', logger, lightweightResponses: false });
  stockUrl = `http://127.0.0.1:${stockServer.port}`;
  const app = createCellGateway({
    cell: inventoryCell,
    logger,
    verifyToken: createVerifier({ jwks: () => issuerKeys.jwks(), issuer: ISSUER, audience: API_AUDIENCE, algorithms: ['ES256'] }),
    internalKeys: await openKeyStore({ alg: 'EdDSA' }),
    upstreams: { stock: stockUrl, allocation: 'http://127.0.0.1:1' },
    forwarder,
    workloadSecrets: { stock: 'inventory-stock-test-secret', allocation: SECRET },
  });
  gateway = await serveApp({ app, port: 0, hostname: '127.0.0.1', logger, streamingBodies: true });
  base = `http://127.0.0.1:${gateway.port}`;
  verify = internalTokenVerifier(inventoryCell.name, internalJwksUrl(base));
});

afterAll(async () => {
  await gateway.close();
  await stockServer.close();
  await forwarder.close();
  database.close();
});

const adjust = (bearer: string | undefined, body: unknown = { delta: 5, reason: 'delivery' }) =>
  fetch(`${base}/inventory/KIT-PAN/adjustments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });

describe('inventory gateway: the public API', () => {
  it('serves stock levels to anyone, without a token', async () => {
    const list = await fetch(`${base}/inventory`);
    expect(list.status).toBe(200);
    expect((await json(list)).items.map((i: { sku: string }) => i.sku)).toEqual(['KIT-PAN', 'OUT-TENT-2P']);
    const one = await fetch(`${base}/inventory/OUT-TENT-2P`);
    expect(await json(one)).toEqual({ sku: 'OUT-TENT-2P', onHand: 3, reserved: 0, available: 3 });
    expect((await fetch(`${base}/inventory/NOPE-404`)).status).toBe(404);
  });

  it('lets an inventory:write token adjust stock, recorded under the caller’s identity', async () => {
    const res = await adjust(await token(['inventory:write'], 'user-admin'));
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual({ sku: 'KIT-PAN', onHand: 15, reserved: 0, available: 15 });
    expect(database.sqlite.prepare('select actor from adjustments').all()).toEqual([{ actor: 'user-admin' }]);
  });

  it('refuses an adjustment without a token (401) or without the scope (403), and passes stock’s 409 and 400 through', async () => {
    expect((await adjust(undefined)).status).toBe(401);
    expect((await adjust(await token(['orders:read', 'orders:write']))).status).toBe(403);
    const admin = await token(['inventory:write']);
    const tooMuch = await adjust(admin, { delta: -1000, reason: 'typo' });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.headers.get('content-type')).toContain('application/problem+json');
    const bad = await adjust(admin, { delta: 'lots', reason: 'x' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].path).toBe('delta');
  });

  it('does not route the cell-internal reservation commands', async () => {
    const admin = await token(['inventory:write', 'inventory:internal']);
    const res = await fetch(`${base}/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, 'idempotency-key': 'event-0000-0001' },
      body: JSON.stringify({ orderId: 'o-1', partition: 'orders-1', lines: [{ sku: 'KIT-PAN', quantity: 1 }] }),
    });
    expect(res.status).toBe(404);
  });
});

describe('inventory gateway: workload tokens for allocation', () => {
  it('lets allocation, holding the cell secret, command stock with the token the gateway issues', async () => {
    const http = createHttpClient({
      baseUrl: stockUrl,
      name: 'inventory stock',
      token: cellWorkloadTokens({ cellGatewayUrl: base, component: 'allocation', workloadSecret: SECRET }),
    });
    const answer = await createStockCommands(http).reserve(
      { orderId: 'order-gw-1', partition: 'orders-1', lines: [{ sku: 'OUT-TENT-2P', quantity: 2 }] },
      'event-gw-0001',
    );
    await http.close();
    expect(answer).toEqual({ orderId: 'order-gw-1', status: 'RESERVED' });
    expect(await json(await fetch(`${base}/inventory/OUT-TENT-2P`))).toMatchObject({ reserved: 2, available: 1 });
  });

  it('gives no workload token for a wrong secret, so stock cannot be commanded with it', async () => {
    const http = createHttpClient({
      baseUrl: stockUrl,
      name: 'inventory stock',
      token: cellWorkloadTokens({ cellGatewayUrl: base, component: 'allocation', workloadSecret: 'not-the-secret' }),
    });
    await expect(
      createStockCommands(http).reserve(
        { orderId: 'order-gw-2', partition: 'orders-1', lines: [{ sku: 'KIT-PAN', quantity: 1 }] },
        'event-gw-0002',
      ),
    ).rejects.toThrow(/refused this service's credentials \(401\)/);
    await http.close();
  });

  it('refuses a user’s internal token on the commands: a request that bypasses the gateway gets nowhere', async () => {
    const direct = await fetch(`${stockUrl}/reservations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await token(['inventory:internal'])}`,
        'idempotency-key': 'event-gw-0003',
      },
      body: JSON.stringify({ orderId: 'order-gw-3', partition: 'orders-1', lines: [{ sku: 'KIT-PAN', quantity: 1 }] }),
    });
    expect(direct.status).toBe(401);
  });
});
