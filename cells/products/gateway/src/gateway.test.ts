import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessTokenVerifier,
  API_AUDIENCE,
  createVerifier,
  internalAudience,
  internalIssuer,
  openKeyStore,
  signToken,
  type KeyStore,
} from '@retail/auth';
import { createCellGateway, createForwarder } from '@retail/gateway';
import { createLogger, serveApp, type RunningServer } from '@retail/kernel';
import { productsCell } from '@retail/products-contract';
import { createApp as createCatalogApp, createCatalog, openOwnDatabase } from '@retail/products-catalog';
import { json } from '@retail/testing';

/**
 * The products gateway in front of the real catalog service, both listening on real ports:
 * the zero-trust boundary as a client sees it.
 */
const ISSUER = 'http://issuer.test';
const logger = createLogger({ name: 'test', level: 'silent' });
let issuerKeys: KeyStore;
let strangerKeys: KeyStore;
let gateway: RunningServer;
let catalog: RunningServer;
let base: string;
const forwarder = createForwarder();

const token = (
  keys: KeyStore,
  scopes: string[],
  overrides: { issuer?: string; audience?: string; ttlSeconds?: number; type?: string } = {},
) =>
  signToken(keys, {
    principal: { sub: 'user-x', scopes },
    issuer: overrides.issuer ?? ISSUER,
    audience: overrides.audience ?? API_AUDIENCE,
    ttlSeconds: overrides.ttlSeconds ?? 300,
    type: overrides.type ?? 'at+jwt',
  });

beforeAll(async () => {
  issuerKeys = await openKeyStore({ alg: 'ES256' });
  strangerKeys = await openKeyStore({ alg: 'ES256' });
  const internalKeys = await openKeyStore({ alg: 'EdDSA' });
  const database = openOwnDatabase(':memory:');
  const catalogApp = createCatalogApp({
    catalog: createCatalog(database.db),
    logger,
    verifyToken: createVerifier({
      jwks: () => internalKeys.jwks(),
      issuer: internalIssuer('products'),
      audience: internalAudience('products'),
      algorithms: ['EdDSA'],
    }),
  });
  catalog = await serveApp({ app: catalogApp, port: 0, hostname: '127.0.0.1', logger, lightweightResponses: false });
  const app = createCellGateway({
    cell: productsCell,
    logger,
    // As every cell gateway verifies access tokens (composeCellGateway).
    verifyToken: accessTokenVerifier({ jwks: () => issuerKeys.jwks(), issuer: ISSUER, algorithms: ['ES256'] }),
    internalKeys,
    upstreams: { catalog: `http://127.0.0.1:${catalog.port}`, browse: 'http://127.0.0.1:1' },
    forwarder,
    workloadSecrets: { catalog: 'products-catalog-test-secret', browse: 'products-test-secret' },
  });
  gateway = await serveApp({ app, port: 0, hostname: '127.0.0.1', logger, streamingBodies: true });
  base = `http://127.0.0.1:${gateway.port}`;
});

afterAll(async () => {
  await gateway.close();
  await catalog.close();
  await forwarder.close();
});

const create = (bearer: string | undefined, sku = 'HOM-GW-LAMP') =>
  fetch(`${base}/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ sku, name: 'Gateway Lamp', category: 'home', price: { amount: 1000, currency: 'USD' } }),
  });

describe('products gateway: verifying the caller', () => {
  it('forwards an admin write to catalog with an internal token that catalog accepts', async () => {
    const res = await create(await token(issuerKeys, ['products:write']));
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ sku: 'HOM-GW-LAMP', version: 1 });
  });

  it('refuses a missing token on an admin route with 401', async () => {
    expect((await create(undefined)).status).toBe(401);
  });

  it('refuses a customer token on an admin route with 403', async () => {
    const res = await create(await token(issuerKeys, ['orders:read', 'orders:write']));
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a tampered token', async () => {
    const good = await token(issuerKeys, ['orders:read']);
    const [header, payload, signature] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'products:write' })).toString('base64url');
    expect((await create(`${header}.${forged}.${signature}`)).status).toBe(401);
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    expect((await create(await token(strangerKeys, ['products:write']))).status).toBe(401);
  });

  it('refuses expired, wrong-issuer and wrong-audience tokens', async () => {
    expect((await create(await token(issuerKeys, ['products:write'], { ttlSeconds: -60 }))).status).toBe(401);
    expect((await create(await token(issuerKeys, ['products:write'], { issuer: 'http://evil.test' }))).status).toBe(401);
    expect((await create(await token(issuerKeys, ['products:write'], { audience: 'cell:products' }))).status).toBe(401);
  });

  it('takes only access tokens (typ at+jwt): another JWT of the same keys, issuer and audience is refused', async () => {
    expect((await create(await token(issuerKeys, ['products:write'], { type: 'JWT' }), 'HOM-GW-TYP')).status).toBe(401);
    expect((await create(await token(issuerKeys, ['products:write'], { type: 'application/at+jwt' }), 'HOM-GW-TYP')).status).toBe(201);
  });

  it('passes If-Match on to the catalog and its ETag back: a stale one is 412, a missing one 428', async () => {
    const admin = await token(issuerKeys, ['products:write']);
    const created = await create(admin, 'HOM-GW-ETAG');
    expect(created.headers.get('etag')).toBe('"v1"');
    const patch = (headers: Record<string, string>) =>
      fetch(`${base}/products/HOM-GW-ETAG`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, ...headers },
        body: JSON.stringify({ name: 'Tagged Lamp' }),
      });
    const changed = await patch({ 'if-match': '"v1"' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"v2"');
    expect((await patch({ 'if-match': '"v1"' })).status).toBe(412);
    expect((await patch({})).status).toBe(428);
  });

  it('passes the upstream’s own answers through: 409 on a duplicate SKU, 400 with field errors', async () => {
    const admin = await token(issuerKeys, ['products:write']);
    await create(admin, 'HOM-GW-DUP');
    const dup = await create(admin, 'HOM-GW-DUP');
    expect(dup.status).toBe(409);
    const bad = await fetch(`${base}/products/HOM-GW-DUP`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, 'if-match': '"v1"' },
      body: JSON.stringify({ price: { amount: -5, currency: 'USD' } }),
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].path).toBe('price.amount');
  });

  it('answers 503 problem+json when the component behind a route is down', async () => {
    const res = await fetch(`${base}/products`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).detail).toContain('products browse');
  });

  it('does not expose routes the descriptor does not declare', async () => {
    expect((await fetch(`${base}/inbox`)).status).toBe(404);
    const wrongMethod = await fetch(`${base}/products`, { method: 'PUT' });
    expect(wrongMethod.status).toBe(405);
  });

  it('issues workload tokens only to the cell’s own components holding the cell secret', async () => {
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const ask = (authorization: string) => fetch(`${base}/internal/token`, { method: 'POST', headers: { authorization } });
    const ok = await ask(basic('browse', 'products-test-secret'));
    expect(ok.status).toBe(200);
    const { access_token: token } = await json(ok);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'service:products/browse', scope: 'products:internal', aud: 'cell:products' });
    expect((await ask(basic('browse', 'wrong-secret-value'))).status).toBe(401);
    expect((await ask(basic('orders', 'products-test-secret'))).status).toBe(401);
    expect((await ask('Bearer nothing')).status).toBe(401);
  });

  it('publishes the internal token keys for the services of the cell', async () => {
    const jwks = await json(await fetch(`${base}/.well-known/jwks.json`));
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(jwks.keys[0].d).toBeUndefined();
  });
});
