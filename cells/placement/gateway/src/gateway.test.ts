import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_AUDIENCE, createVerifier, internalAudience, internalIssuer, openKeyStore, signToken, type KeyStore } from '@retail/auth';
import { createCellGateway, createForwarder } from '@retail/gateway';
import { createLogger, serveApp, type RunningServer } from '@retail/kernel';
import { placementCell } from '@retail/placement-contract';
import { placementsTestApp, type PlacementsTestApp } from '@retail/placement-placements/testing';
import { json } from '@retail/testing';

/**
 * The placement gateway in front of the real placements service, both listening on real ports: operators
 * with their user tokens on one side, the cell router with its client-credentials token on the other.
 */
const ISSUER = 'http://issuer.test';
const logger = createLogger({ name: 'test', level: 'silent' });
let issuerKeys: KeyStore;
let gateway: RunningServer;
let placements: RunningServer;
let core: PlacementsTestApp;
let base: string;
const forwarder = createForwarder();

const userToken = (scopes: string[]) =>
  signToken(issuerKeys, { principal: { sub: 'user-x', scopes }, issuer: ISSUER, audience: API_AUDIENCE, ttlSeconds: 300 });
const machineToken = (scopes: string[]) =>
  signToken(issuerKeys, {
    principal: { sub: 'client:gateway-global', clientId: 'gateway-global', scopes },
    issuer: ISSUER,
    audience: API_AUDIENCE,
    ttlSeconds: 300,
  });

beforeAll(async () => {
  issuerKeys = await openKeyStore({ alg: 'ES256' });
  const internalKeys = await openKeyStore({ alg: 'EdDSA' });
  core = await placementsTestApp({
    verifyToken: createVerifier({
      jwks: () => internalKeys.jwks(),
      issuer: internalIssuer('placement'),
      audience: internalAudience('placement'),
      algorithms: ['EdDSA'],
    }),
  });
  const app = core.app;
  placements = await serveApp({ app, port: 0, hostname: '127.0.0.1', logger, lightweightResponses: false });
  const edge = createCellGateway({
    cell: placementCell,
    logger,
    verifyToken: createVerifier({ jwks: () => issuerKeys.jwks(), issuer: ISSUER, audience: API_AUDIENCE, algorithms: ['ES256'] }),
    internalKeys,
    upstreams: { placements: `http://127.0.0.1:${placements.port}` },
    forwarder,
    workloadSecrets: { placements: 'placement-placements-test-secret' },
  });
  gateway = await serveApp({ app: edge, port: 0, hostname: '127.0.0.1', logger, streamingBodies: true });
  base = `http://127.0.0.1:${gateway.port}`;
});

afterAll(async () => {
  await gateway.close();
  await placements.close();
  await core.close();
  await forwarder.close();
});

const get = (path: string, bearer: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers: { authorization: `Bearer ${bearer}`, ...headers } });
const send = (method: string, path: string, bearer: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify(body),
  });

describe('placement gateway: operators', () => {
  it('lets an operator (orders:admin) read and change the map', async () => {
    const admin = await userToken(['orders:read', 'orders:admin']);
    const overview = await get('/cells/placement', admin);
    expect(overview.status).toBe(200);
    expect((await json(overview)).cells[0].partitions).toHaveLength(2);
    const changed = await send('PUT', '/cells/placement/partitions/orders-2', admin, { state: 'draining' });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({ name: 'orders-2', state: 'draining' });
    const unknown = await send('PUT', '/cells/placement/user-z', admin, { partition: 'orders-9' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a customer’s token with 403, no token with 401, and the router’s machine token', async () => {
    const customer = await userToken(['orders:read', 'orders:write']);
    const res = await get('/cells/placement', customer);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(`${base}/cells/placement/user-a`)).status).toBe(401);
    expect((await get('/cells/placement', await machineToken(['orders:admin', 'placement:read']))).status).toBe(403);
  });
});

describe('placement gateway: the cell router', () => {
  it('serves the map with its ETag and a 304 for a current copy', async () => {
    const router = await machineToken(['placement:read', 'placement:assign']);
    const res = await get('/placement/map', router);
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(`"${(await json(res)).version}"`);
    const current = await get('/placement/map', router, { 'if-none-match': etag });
    expect(current.status).toBe(304);
  });

  it('records first-use assignments for a client with placement:assign only', async () => {
    const router = await machineToken(['placement:read', 'placement:assign']);
    const first = await send('POST', '/placement/assignments', router, { cell: 'orders', customerId: 'user-gw' });
    expect(first.status).toBe(201);
    expect((await send('POST', '/placement/assignments', router, { cell: 'orders', customerId: 'user-gw' })).status).toBe(200);
    const reader = await machineToken(['placement:read']);
    expect((await send('POST', '/placement/assignments', reader, { cell: 'orders', customerId: 'user-gw2' })).status).toBe(403);
  });

  it('refuses people on the router’s routes, whatever their scopes', async () => {
    const person = await userToken(['placement:read', 'placement:assign', 'orders:admin']);
    expect((await get('/placement/map', person)).status).toBe(403);
    expect((await send('POST', '/placement/assignments', person, { cell: 'orders', customerId: 'user-a' })).status).toBe(403);
  });
});
