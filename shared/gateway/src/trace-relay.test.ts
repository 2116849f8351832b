import { afterAll, expect, it } from 'vitest';
import { createServiceApp, createLogger } from '@retail/kernel';
import { standInServers } from '@retail/testing';
import { traceRelayRoute } from './trace-relay.ts';

const { listen, closeAll } = standInServers();
const received: { path: string; type: string; body: string }[] = [];
const collector = await listen((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    received.push({ path: req.url!, type: req.headers['content-type'] ?? '', body });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"partialSuccess":{}}');
  });
});
const app = createServiceApp({ logger: createLogger({ name: 'test', level: 'silent' }), maxBodyBytes: null });
const relay = traceRelayRoute(app, `${collector}/ignored-path`);
afterAll(async () => {
  await relay.close();
  await closeAll();
});

it('passes a batch of spans on to the collector unread, and the collector’s answer back', async () => {
  const batch = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'GET /products', traceId: 'a'.repeat(32) }] }] }] });
  const res = await app.request('/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ partialSuccess: {} });
  expect(received).toEqual([{ path: '/v1/traces', type: 'application/json', body: batch }]);
});

it('relays traces only: no other path reaches the collector', async () => {
  const res = await app.request('/api/traces', { method: 'GET' });
  expect(res.status).toBe(404);
  expect(received.filter((r) => r.path !== '/v1/traces')).toEqual([]);
});

it('refuses an export announced larger than 4 MiB with 413, before it reaches the collector', async () => {
  const before = received.length;
  const res = await app.request('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'content-length': String(5 * 1024 * 1024) },
    body: 'x',
  });
  expect(res.status).toBe(413);
  expect(received.length).toBe(before);
});
