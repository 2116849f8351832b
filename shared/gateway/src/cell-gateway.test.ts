import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openKeyStore, type Principal } from '@retail/auth';
import { createLogger, UnauthorizedError } from '@retail/kernel';
import { defineCell } from '@retail/descriptor';
import { standInServers } from '@retail/testing';
import { createCellGateway } from './cell-gateway.ts';
import { createForwarder } from './forwarder.ts';

const ok = z.object({ ok: z.boolean() });
const cell = defineCell({
  name: 'garden',
  summary: 'A cell for this test.',
  stream: 'GARDEN',
  gateway: { port: 0 },
  components: [
    { name: 'plants', kind: 'core', port: 0, summary: 'Answers 200 to anything.' },
    { name: 'watering', kind: 'composite', port: 0, summary: 'Asks for workload tokens.' },
  ],
  routes: [
    { method: 'GET', path: '/plants', component: 'plants', access: 'public', summary: 'x', contract: { responses: { 200: ok } } },
    {
      method: 'POST',
      path: '/plants',
      component: 'plants',
      access: 'token',
      scopes: ['plants:write'],
      summary: 'x',
      contract: { body: z.object({ name: z.string() }), responses: { 201: ok } },
    },
    {
      method: 'POST',
      path: '/plants/by-bed/:bed/water',
      component: 'plants',
      access: 'token',
      scopes: ['plants:water'],
      callers: 'cell',
      summary: 'x',
      contract: { params: z.object({ bed: z.string() }), responses: { 200: ok } },
    },
  ],
});

// The gateway's verifier, given: each test token stands for a principal gateway-global would have issued.
const principals: Record<string, Principal> = {
  gardener: { sub: 'user-1', scopes: ['plants:write', 'plants:water'] },
  'orders-cell': { sub: 'client:orders', clientId: 'orders', scopes: ['plants:write', 'plants:water'] },
};

const { listen, closeAll } = standInServers();
const forwarder = createForwarder();
let app: ReturnType<typeof createCellGateway>;

beforeAll(async () => {
  const plants = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  app = createCellGateway({
    cell,
    logger: createLogger({ name: 'test', level: 'silent' }),
    verifyToken: async (token) => {
      const principal = principals[token];
      if (!principal) throw new UnauthorizedError();
      return principal;
    },
    internalKeys: await openKeyStore({ alg: 'EdDSA' }),
    upstreams: { plants, watering: plants },
    forwarder,
    workloadSecrets: { plants: 'garden-plants-secret', watering: 'garden-watering-secret' },
  });
});
afterAll(async () => {
  await forwarder.close();
  await closeAll();
});

const call = (method: string, path: string, token?: string) =>
  app.request(path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('who may call which route', () => {
  it('refuses a client-credentials token on a route for people, with a problem', async () => {
    const res = await call('POST', '/plants', 'orders-cell');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await call('POST', '/plants', 'gardener')).status).toBe(200);
  });

  it('accepts only a client-credentials token on a route declared for cells', async () => {
    expect((await call('POST', '/plants/by-bed/b1/water', 'gardener')).status).toBe(403);
    expect((await call('POST', '/plants/by-bed/b1/water')).status).toBe(401);
    expect((await call('POST', '/plants/by-bed/b1/water', 'orders-cell')).status).toBe(200);
  });

  it('leaves public routes open to anyone, machine tokens included', async () => {
    expect((await call('GET', '/plants')).status).toBe(200);
    expect((await call('GET', '/plants', 'orders-cell')).status).toBe(200);
  });
});

describe('POST /internal/token', () => {
  const mint = (component: string, secret: string) =>
    app.request('/internal/token', {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${component}:${secret}`).toString('base64')}` },
    });

  it("gives a component a token naming it, for its own credential only: one component's credential never yields another's token", async () => {
    const own = await mint('watering', 'garden-watering-secret');
    expect(own.status).toBe(200);
    const { access_token } = (await own.json()) as { access_token: string };
    const claims = JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'service:garden/watering', scope: 'garden:internal' });

    const borrowed = await mint('watering', 'garden-plants-secret');
    expect(borrowed.status).toBe(401);
    expect(borrowed.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await mint('plants', 'garden-watering-secret')).status).toBe(401);
    expect((await mint('compost', 'garden-plants-secret')).status).toBe(401);
    expect((await mint('plants', '')).status).toBe(401);
  });
});

describe('GET /openapi.json', () => {
  it('answers the cell’s OpenAPI document, its routes for cells marked, without a token', async () => {
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const document = (await res.json()) as { paths: Record<string, Record<string, { 'x-callers'?: string }>> };
    expect(Object.keys(document.paths)).toEqual(['/plants', '/plants/by-bed/{bed}/water']);
    expect(document.paths['/plants/by-bed/{bed}/water']!.post!['x-callers']).toBe('cell');
    expect(document.paths['/plants']!.post!['x-callers']).toBeUndefined();
  });
});
