import type { HttpBindings } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_AUDIENCE, createVerifier, openKeyStore, signToken, type KeyStore } from '@retail/auth';
import { createLogger } from '@retail/kernel';
import { defineCell } from '@retail/descriptor';
import { standInServers } from '@retail/testing';
import { createCellGateway } from './cell-gateway.ts';
import { createForwarder } from './forwarder.ts';

const cell = defineCell({
  name: 'garden',
  summary: 'A cell for this test.',
  stream: 'GARDEN',
  gateway: { port: 0 },
  components: [{ name: 'plants', kind: 'core', port: 0, summary: 'Answers 200 to anything.' }],
  routes: [{ method: 'GET', path: '/plants', component: 'plants', access: 'public', summary: 'x' }],
});

const { listen, closeAll } = standInServers();
const forwarder = createForwarder();
let keys: KeyStore;
let app: ReturnType<typeof createCellGateway>;

beforeAll(async () => {
  const plants = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  keys = await openKeyStore({ alg: 'ES256' });
  app = createCellGateway({
    cell,
    logger: createLogger({ name: 'test', level: 'silent' }),
    verifyToken: createVerifier({ jwks: () => keys.jwks(), issuer: 'iss', audience: API_AUDIENCE, algorithms: ['ES256'] }),
    internalKeys: await openKeyStore({ alg: 'EdDSA' }),
    upstreams: { plants },
    forwarder,
    workloadSecrets: { plants: 'plants-test-secret' },
    rateLimit: { perSecond: 1, burst: 3, trustProxy: false },
  });
});
afterAll(async () => {
  await forwarder.close();
  await closeAll();
});

const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } }) as unknown as HttpBindings;
const get = (ip: string, headers: Record<string, string> = {}) => app.request('/plants', { headers }, from(ip));

it('limits each client at the cell gateway, with a 429 problem, Retry-After, RateLimit and RateLimit-Policy', async () => {
  for (let i = 0; i < 3; i++) {
    const ok = await get('10.3.0.1');
    expect(ok.status).toBe(200);
    // Not on answers that pass: gateway-global, the public edge, tells clients their quota.
    expect(ok.headers.get('ratelimit')).toBeNull();
  }
  const res = await get('10.3.0.1');
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.headers.get('ratelimit-policy')).toBe('"default";q=3;w=3');
  expect(res.headers.get('ratelimit')).toMatch(/^"default";r=0;t=3$/);
  expect(await res.json()).toMatchObject({ type: '/api/problems/rate-limited', status: 429 });
  expect((await get('10.3.0.2')).status).toBe(200);
  expect((await app.request('/healthz', {}, from('10.3.0.1'))).status).toBe(200);
});

it('counts requests with invalid tokens against their address', async () => {
  for (let i = 0; i < 3; i++) expect((await get('10.3.0.3', { authorization: `Bearer made.up.${i}` })).status).toBe(401);
  expect((await get('10.3.0.3', { authorization: 'Bearer made.up.4' })).status).toBe(429);
});

it('counts a token holder by subject, wherever they connect from', async () => {
  const token = await signToken(keys, { principal: { sub: 'user-7', scopes: [] }, issuer: 'iss', audience: API_AUDIENCE, ttlSeconds: 60 });
  const headers = { authorization: `Bearer ${token}` };
  for (let i = 0; i < 3; i++) expect((await get(`10.4.0.${i}`, headers)).status).toBe(200);
  expect((await get('10.4.0.9', headers)).status).toBe(429);
});
