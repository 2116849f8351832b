import { expect, it } from 'vitest';
import { createLogger } from '@retail/kernel';
import { internalTestTokens } from '@retail/testing';
import { createApp } from './app.ts';
import { loadEnv } from './env.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const tokens = await internalTestTokens('shipping');
const verifyToken = tokens.verifier;

it('answers health always and readiness only while connected to NATS', async () => {
  let connected = false;
  const app = createApp({ logger, verifyToken, isReady: () => connected });
  expect((await app.request('/healthz')).status).toBe(200);
  expect((await app.request('/readyz')).status).toBe(503);
  connected = true;
  expect((await app.request('/readyz')).status).toBe(200);
});

it('serves no API of its own: shipments are the core’s; any other path needs the gateway’s internal token first', async () => {
  const app = createApp({ logger, verifyToken });
  const anonymous = await app.request('/internal/shipments', { method: 'POST' });
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
  const res = await app.request('/internal/shipments', { method: 'POST', headers: { authorization: `Bearer ${await tokens.sign({})}` } });
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
});

it('finds the shipments core at SHIPMENTS_URL, by default on its descriptor port', () => {
  expect(loadEnv({})).toMatchObject({ PORT: 4402, SHIPMENTS_URL: 'http://127.0.0.1:4401', CELL_GATEWAY_URL: 'http://127.0.0.1:4400' });
  expect(loadEnv({ SHIPMENTS_URL: 'http://shipments:4401' }).SHIPMENTS_URL).toBe('http://shipments:4401');
  expect(() => loadEnv({ SHIPMENTS_URL: 'not a url' })).toThrow(/SHIPMENTS_URL/);
});
