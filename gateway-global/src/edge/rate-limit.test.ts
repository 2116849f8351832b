import { describe, expect, it } from 'vitest';
import type { HttpBindings } from '@hono/node-server';
import type { GatewayDeps } from '../app.ts';
import { testGateway, userToken } from '../../test/test-support.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];

/** A frozen clock: no refill happens while a test runs, however slow the machine. */
const limited = (burst: number, overrides: Partial<GatewayDeps> = {}) =>
  testGateway({ rateLimit: { perSecond: 1, burst, trustProxy: false }, now: () => 1_000_000, ...overrides });

const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } }) as unknown as HttpBindings;
const get = (app: App, path: string, ip = '10.0.0.1', headers: Record<string, string> = {}) => app.request(path, { headers }, from(ip));

describe('rate limiting', () => {
  it('answers 429 problem+json with Retry-After, RateLimit and RateLimit-Policy once the burst is spent', async () => {
    const { app } = await limited(3);
    for (let i = 0; i < 3; i++) expect((await get(app, '/.well-known/jwks.json')).status).toBe(200);
    const res = await get(app, '/.well-known/jwks.json');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    // 3 requests per 3 s (a full bucket at 1/s); none left, full again in 3 s.
    expect(res.headers.get('ratelimit-policy')).toBe('"default";q=3;w=3');
    expect(res.headers.get('ratelimit')).toBe('"default";r=0;t=3');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ type: '/api/problems/rate-limited', status: 429, title: 'Rate limit exceeded' });
  });

  it('tells the caller what is left of its quota on every answer, whoever answers', async () => {
    let now = 1_000_000;
    const { app } = await limited(3, { now: () => now });
    const remaining = async (path: string) => (await get(app, path, '10.0.0.5')).headers.get('ratelimit');
    expect(await remaining('/.well-known/jwks.json')).toBe('"default";r=2;t=1');
    expect(await remaining('/api/no-such-cell')).toBe('"default";r=1;t=2'); // a 404 problem
    expect(await remaining('/api/problems/rate-limited')).toBe('"default";r=0;t=3');
    now += 1_500; // 1.5 tokens back: one whole request, and 1.5 s to full
    const res = await get(app, '/.well-known/jwks.json', '10.0.0.5');
    expect(res.headers.get('ratelimit-policy')).toBe('"default";q=3;w=3');
    expect(res.headers.get('ratelimit')).toBe('"default";r=0;t=3');
  });

  it('lets a client in again once its bucket refills', async () => {
    let now = 1_000_000;
    const { app } = await limited(1, { now: () => now });
    expect((await get(app, '/.well-known/jwks.json')).status).toBe(200);
    expect((await get(app, '/.well-known/jwks.json')).status).toBe(429);
    now += 1_000;
    expect((await get(app, '/.well-known/jwks.json')).status).toBe(200);
  });

  it('keeps separate buckets for different IPs', async () => {
    const { app } = await limited(2);
    for (let i = 0; i < 2; i++) await get(app, '/.well-known/jwks.json', '10.0.0.1');
    expect((await get(app, '/.well-known/jwks.json', '10.0.0.1')).status).toBe(429);
    expect((await get(app, '/.well-known/jwks.json', '10.0.0.2')).status).toBe(200);
  });

  it('counts token holders by subject, wherever they connect from', async () => {
    const { app } = await limited(2);
    // Issued from elsewhere: the token requests spend that address's bucket, not the users'.
    const alice = await userToken(app, 'alice@example.com', 'alice');
    const bob = await userToken(app, 'bob@example.com', 'bob');
    const as = (token: string, ip: string) => get(app, '/.well-known/jwks.json', ip, { authorization: `Bearer ${token}` });
    // Alice spends her burst from two addresses; Bob, behind the same NAT as her, still gets in.
    expect((await as(alice, '10.0.0.1')).status).toBe(200);
    expect((await as(alice, '10.0.0.2')).status).toBe(200);
    expect((await as(alice, '10.0.0.3')).status).toBe(429);
    expect((await as(bob, '10.0.0.1')).status).toBe(200);
  });

  it('refuses an invalid bearer token at the edge with 401', async () => {
    const { app } = await limited(10);
    const res = await get(app, '/api/products', '10.0.0.1', { authorization: 'Bearer forged.token.here' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('counts requests with invalid tokens against their address, so tokens cannot be guessed at full speed', async () => {
    const { app } = await limited(3);
    const guess = (i: number) => get(app, '/api/products', '10.0.0.7', { authorization: `Bearer forged.token.${i}` });
    for (let i = 0; i < 3; i++) expect((await guess(i)).status).toBe(401);
    const res = await guess(3);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    // The address's bucket is spent for everything it sends, token or none.
    expect((await get(app, '/.well-known/jwks.json', '10.0.0.7')).status).toBe(429);
  });

  it('never limits /healthz or /readyz', async () => {
    const { app } = await limited(1);
    await get(app, '/.well-known/jwks.json');
    expect((await get(app, '/.well-known/jwks.json')).status).toBe(429);
    for (let i = 0; i < 5; i++) {
      expect((await get(app, '/healthz')).status).toBe(200);
      expect((await get(app, '/readyz')).status).toBe(200);
    }
  });

  it('limits the token endpoint too, so passwords cannot be guessed at full speed', async () => {
    const { app } = await limited(2);
    const guess = () =>
      app.request(
        '/auth/token',
        { method: 'POST', body: new URLSearchParams({ grant_type: 'password', username: 'alice@example.com', password: 'guess' }) },
        from('10.9.9.9'),
      );
    expect((await guess()).status).toBe(400);
    expect((await guess()).status).toBe(400);
    expect((await guess()).status).toBe(429);
  });

  it('believes X-Forwarded-For only behind a trusted proxy, and only the entry that proxy appended', async () => {
    // The client writes whatever it likes in front; the trusted proxy appends the address it saw.
    const via = (app: App, spoofed: string, seenByProxy: string) =>
      get(app, '/.well-known/jwks.json', '10.0.0.1', { 'x-forwarded-for': `${spoofed}, ${seenByProxy}` });

    const { app: direct } = await limited(1);
    expect((await via(direct, '203.0.113.1', '198.51.100.1')).status).toBe(200);
    expect((await via(direct, '203.0.113.2', '198.51.100.2')).status).toBe(429);

    const { app: proxied } = await limited(1, { rateLimit: { perSecond: 1, burst: 1, trustProxy: true } });
    expect((await via(proxied, '203.0.113.1', '198.51.100.1')).status).toBe(200);
    // A new made-up first entry is no fresh bucket…
    expect((await via(proxied, '203.0.113.2', '198.51.100.1')).status).toBe(429);
    // …but another client behind the same proxy is.
    expect((await via(proxied, '203.0.113.1', '198.51.100.2')).status).toBe(200);
  });

  it('is off when the rate is 0, and then says nothing of quotas', async () => {
    const { app } = await testGateway({ rateLimit: { perSecond: 0, burst: 1, trustProxy: false } });
    for (let i = 0; i < 20; i++) expect((await get(app, '/.well-known/jwks.json')).status).toBe(200);
    expect((await get(app, '/.well-known/jwks.json')).headers.get('ratelimit')).toBeNull();
  });
});
