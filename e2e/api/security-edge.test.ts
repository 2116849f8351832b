import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, waitFor, type OtlpReceiver } from '@retail/testing';
import { apiClient, type ApiClient, type Schemas } from '../src/client.ts';
import { address, shop, uniqueKey, type Shop } from '../src/retail.ts';
import { startTestSystem, type TestSystem } from '../src/system.ts';

/**
 * The public edge under attack, over real HTTP against the whole system: each test performs one attack
 * and asserts that it is refused (or, for the protocol corners, that an honest client gets through).
 * Limits are on here (20 requests a second, bursts of 40, per client and per cell gateway), gateway-global
 * believes the proxy-appended (last) X-Forwarded-For entry, and password locks are short.
 */
let system: TestSystem;
let api: ApiClient;
let s: Shop;
let otlp: OtlpReceiver;

const SERVER = 2;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  system = await startTestSystem({
    extraEnv: {
      RATE_LIMIT_PER_SECOND: '20',
      RATE_LIMIT_BURST: '40',
      TRUST_PROXY: 'true',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCK_SECONDS: '2',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
  });
  api = apiClient(system.url);
  s = await shop(api);
});
afterAll(async () => {
  await system?.stop();
  await otlp?.close();
});

/** As if a trusted proxy had seen the client at `client`: whatever the client wrote comes first. */
const viaProxy = (client: string, spoofed = '203.0.113.1') => ({ 'x-forwarded-for': `${spoofed}, ${client}` });
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${system.url}${path}`, { headers });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a GET whose chunked body never ends; resolves with the answer once the server hangs up (or after 15 s: the server caps what it discards at a few MiB and seconds, later on a busy machine). */
function getWithEndlessBody(url: string): Promise<{ answer: string; closedByServer: boolean }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    const chunk = `${(4096).toString(16)}\r\n${'x'.repeat(4096)}\r\n`;
    const timer = setInterval(() => socket.write(chunk), 2);
    const finish = (closedByServer: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ answer, closedByServer });
    };
    const giveUp = setTimeout(() => finish(false), 15_000);
    socket.on('data', (data) => (answer += data.toString()));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nTransfer-Encoding: chunked\r\n\r\n`);
  });
}

describe('the public edge', () => {
  it('starts a trace of its own for a client that sends a traceparent, keeping the client’s only as a link', async () => {
    const clientTrace = 'ab'.repeat(16);
    const clientSpan = 'cd'.repeat(8);
    const res = await get('/api/products', { traceparent: `00-${clientTrace}-${clientSpan}-01`, baggage: 'tenant=evil' });
    expect(res.status).toBe(200);
    const traceId = res.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(clientTrace);

    const root = await waitFor(() => otlp.spans.find((x) => x.service === 'gateway-global' && x.kind === SERVER && x.traceId === traceId), {
      what: 'the gateway-global span',
    });
    expect(root.parentSpanId).toBeUndefined();
    expect(root.links).toEqual([expect.objectContaining({ traceId: clientTrace, spanId: clientSpan })]);
    expect(otlp.spans.some((x) => x.traceId === clientTrace)).toBe(false);
  });

  it('places an order for a client that sends Expect: 100-continue', async () => {
    const sku = await s.productWithStock('EXPECT', 5);
    const body = JSON.stringify({ lines: [{ sku, quantity: 1 }], shippingAddress: address });
    const { hostname, port } = new URL(system.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        hostname,
        port,
        path: '/api/orders',
        method: 'POST',
        headers: {
          authorization: `Bearer ${s.alice}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': uniqueKey('expect'),
          expect: '100-continue',
        },
      });
      req.on('continue', () => req.end(body));
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
    });
    expect(status).toBe(201);
  });

  it('puts no idempotency key, customer id or order id on any span', async () => {
    const key = uniqueKey('secret-key');
    // An unknown product: checkout hands the key and the customer id to the orders core, which refuses it (400).
    const placed = await s.placeOrder(s.alice, [{ sku: 'NO-SUCH-SKU-1', quantity: 1 }], key);
    expect(placed.status).toBe(400);
    const viewed = await api.call('GET', '/api/orders/00000000-0000-4000-8000-000000000001', { token: s.alice });
    expect(viewed.status).toBe(404);
    await waitFor(
      () =>
        otlp.spans.find(
          (x) => /^orders-\d-checkout$/.test(x.service) && x.kind === 3 && String(x.attributes['url.path']) === '/internal/orders',
        ),
      { what: 'checkout’s span of the placement sent to the orders core' },
    );
    await sleep(500);
    const everything = JSON.stringify(otlp.spans.map((x) => [x.name, x.attributes, x.events]));
    expect(everything).not.toContain(key);
    expect(everything).not.toContain('user-alice');
    expect(everything).not.toContain('00000000-0000-4000-8000-000000000001');
    // Route templates stay.
    expect(everything).toContain('/orders/:id');
  });

  it('gives a preflight from http://localhost:5173 no allowed origin by default', async () => {
    const res = await fetch(`${system.url}/api/orders`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each(['/.well-known/jwks.json', '/api/products'])('answers a GET %s with an endless chunked body, then hangs up', async (path) => {
    const { answer, closedByServer } = await getWithEndlessBody(`${system.url}${path}`);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(closedByServer).toBe(true);
  });

  it('gives a client no fresh bucket for a made-up X-Forwarded-For entry', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await get('/.well-known/jwks.json', viaProxy('198.51.100.7', `203.0.113.${i}`))).status);
    expect(statuses).toEqual(Array(10).fill(200));
    // Sent at once, so that however slowly a busy machine answers, the bucket (40, 20/s) cannot refill in between.
    const flood = await Promise.all(
      Array.from({ length: 80 }, (_, i) => get('/.well-known/jwks.json', viaProxy('198.51.100.7', `203.0.113.${10 + i}`))),
    );
    expect(flood.map((res) => res.status)).toContain(429);
    // Another client behind the same proxy has its own bucket.
    expect((await get('/.well-known/jwks.json', viaProxy('198.51.100.8'))).status).toBe(200);
  });

  it('answers a stream of invalid tokens with 401, then 429', async () => {
    const guess = (i: number) => get('/api/orders', { ...viaProxy('198.51.100.9'), authorization: `Bearer guessed.token.${i}` });
    expect((await guess(0)).status).toBe(401);
    // At once, as in the test above: the bucket cannot refill between them.
    const statuses = (await Promise.all(Array.from({ length: 80 }, (_, i) => guess(i + 1)))).map((res) => res.status);
    expect(statuses).toContain(401);
    expect(statuses).toContain(429);
  });

  it('locks an account whose password is being guessed, the right password included, until the lock ends', async () => {
    const attempt = (password: string) =>
      fetch(`${system.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...viaProxy(`198.51.100.${20 + Math.floor(Math.random() * 200)}`) },
        body: new URLSearchParams({ grant_type: 'password', username: 'bob@example.com', password }),
      });
    for (let i = 0; i < 3; i++) expect((await attempt(`guess-${i}`)).status).toBe(400);
    const locked = await attempt('bob');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await attempt('guess-4')).status).toBe(429);

    await sleep(2_100);
    expect((await attempt('bob')).status).toBe(200);
  });
});

describe('a cell gateway', () => {
  it('limits a flood sent straight to its port', async () => {
    const gateway = system.plan('products/gateway').url;
    const statuses = await Promise.all(Array.from({ length: 100 }, () => fetch(`${gateway}/products`).then((r) => r.status)));
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    await sleep(2_500);
  });

  it('keeps a token good through key rotations while it can be valid, and refuses one naming a key it never published', async () => {
    const token = await api.token('bob@example.com', 'bob');
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string; typ: string };
    expect(header.typ).toBe('at+jwt');
    const ordersGateway = system.plan('orders-1/gateway').url;
    const atCell = (t: string) => fetch(`${ordersGateway}/orders`, { headers: { authorization: `Bearer ${t}` } });
    expect((await api.call('GET', '/api/orders', { token })).status).toBe(200);
    expect((await atCell(token)).status).toBe(200);

    // Three rotations in a row: the key that signed it stays published, as its tokens can still be valid.
    for (let i = 0; i < 3; i++) {
      const admin = await api.token('admin@example.com', 'admin');
      expect((await api.call('POST', '/auth/keys/rotate', { token: admin })).status).toBe(200);
    }
    const jwks = (await (await get('/.well-known/jwks.json')).json()) as Schemas['Jwks'];
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    expect(jwks.keys.length).toBeGreaterThanOrEqual(4);
    expect((await api.call('GET', '/api/orders', { token })).status).toBe(200);
    // The cell gateway learns the new set when it first meets a token of the newest key, and keeps the old one.
    await sleep(1_100);
    expect((await atCell(await api.token('bob@example.com', 'bob'))).status).toBe(200);
    expect((await atCell(token)).status).toBe(200);

    // The same token claiming a key that was never published: refused at both gateways.
    const [, payload, signature] = token.split('.');
    const unknownKey = Buffer.from(JSON.stringify({ ...header, kid: 'made-up-key' })).toString('base64url');
    const forged = `${unknownKey}.${payload}.${signature}`;
    expect((await api.call('GET', '/api/orders', { token: forged })).status).toBe(401);
    await sleep(1_100);
    expect((await atCell(forged)).status).toBe(401);
  });
});
