import { beforeAll, describe, expect, it } from 'vitest';
import { testGateway } from '../../test/test-support.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];
const STOREFRONT = 'http://localhost:5173';

let app: App;
beforeAll(async () => {
  ({ app } = await testGateway());
});

const preflight = (origin: string) =>
  app.request('/api/orders', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, if-match, idempotency-key',
    },
  });

describe('CORS', () => {
  it('answers a preflight from the storefront', async () => {
    const res = await preflight(STOREFRONT);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(STOREFRONT);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase().split(',');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'if-match', 'idempotency-key']));
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it('gives a disallowed origin nothing to work with', async () => {
    const res = await preflight('https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();

    const simple = await app.request('/.well-known/oauth-authorization-server', { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows no other origin when none is configured (the default: the storefront is same-origin)', async () => {
    const { app: sameOrigin } = await testGateway({ corsOrigins: [] });
    const res = await sameOrigin.request('/api/orders', {
      method: 'OPTIONS',
      headers: { origin: STOREFRONT, 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the storefront read ETag, Location and the rate-limit headers of an answer', async () => {
    const res = await app.request('/.well-known/jwks.json', { headers: { origin: STOREFRONT } });
    const exposed = res.headers.get('access-control-expose-headers')?.toLowerCase().split(',');
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'location', 'retry-after', 'ratelimit', 'ratelimit-policy']));
  });

  it('lets the storefront read Retry-After on a 429, and X-Cell-Partition', async () => {
    const { app: limited } = await testGateway({ rateLimit: { perSecond: 1, burst: 1, trustProxy: false }, now: () => 0 });
    const headers = { origin: STOREFRONT };
    expect((await limited.request('/.well-known/jwks.json', { headers })).status).toBe(200);
    const res = await limited.request('/.well-known/jwks.json', { headers });
    expect(res.status).toBe(429);
    expect(res.headers.get('access-control-allow-origin')).toBe(STOREFRONT);
    expect(res.headers.get('access-control-expose-headers')?.toLowerCase().split(',')).toContain('retry-after');
    expect(res.headers.get('access-control-expose-headers')?.toLowerCase().split(',')).toContain('x-cell-partition');
  });
});
