import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testGateway } from '../../test/test-support.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];
let app: App;
beforeAll(async () => {
  ({ app } = await testGateway());
});

describe('the public API documents', () => {
  it('serves the OpenAPI document at /api/openapi.json, the same as the committed copy, without a token', async () => {
    const res = await app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const served = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(served).toEqual(JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')));
    expect(served.openapi).toBe('3.1.1');
    // The cells' routes for people under /api, gateway-global's own as they are; routes for cells are not public.
    expect(Object.keys(served.paths)).toEqual(expect.arrayContaining(['/api/products/{sku}', '/api/orders', '/auth/token']));
    expect(Object.keys(served.paths).some((p) => p.startsWith('/api/prices') || p.startsWith('/api/migration'))).toBe(false);
  });

  it('serves the reference page at /api/docs under the strict CSP, its script and styles from here', async () => {
    const page = await app.request('/api/docs', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      expect(src.startsWith('/api/docs/'), src).toBe(true);
      const asset = await app.request(src);
      expect(asset.status, src).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, src).toBeGreaterThan(100);
    }
    expect(await (await app.request('/api/docs/docs.js')).text()).toContain('/api/openapi.json');
  });

  it('serves nothing else from the package or the page folder', async () => {
    for (const path of ['/api/docs/package.json', '/api/docs/index.js', '/api/docs/..%2f..%2fpackage.json', '/api/docs/.hidden']) {
      const res = await app.request(path);
      expect(res.status, path).not.toBe(200);
    }
  });
});
