import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storefrontRoot } from '@retail/storefront';
import { serveApp } from '@retail/kernel';
import { tempDir } from '@retail/testing';
import { testGateway } from '../../test/test-support.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];
const site = tempDir('retail-storefront-');
// The served root is one level down, so that a way out of it would find a file to leak.
const root = join(site.path, 'public');
let app: App;

beforeAll(async () => {
  mkdirSync(join(root, 'js'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Shop</title><script type="module" src="/js/main.js"></script>');
  writeFileSync(join(root, 'js', 'main.js'), 'console.log("shop");');
  writeFileSync(join(root, 'styles.css'), 'body { margin: 0 }');
  writeFileSync(join(root, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(site.path, 'outside.txt'), 'SECRET=2');
  ({ app } = await testGateway({ storefrontDir: root }));
});
afterAll(() => site.remove());

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('storefront static files', () => {
  it('serves the app shell at / as revalidated HTML with a strict content security policy', async () => {
    const res = await app.request('/', { headers: html });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(await res.text()).toContain('<title>Shop</title>');
  });

  it('serves scripts, styles and images with their content types and cache policy', async () => {
    const js = await app.request('/js/main.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('no-cache');
    expect(await js.text()).toBe('console.log("shop");');
    expect((await app.request('/styles.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await app.request('/logo.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('answers 304 when the browser already has the current file', async () => {
    const first = await app.request('/js/main.js');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await app.request('/js/main.js', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const stale = await app.request('/js/main.js', { headers: { 'if-none-match': 'W/"something-else"' } });
    expect(stale.status).toBe(200);
  });

  it("answers a browser's navigation to a page of the shop with the app shell", async () => {
    for (const path of ['/orders/01HXYZ', '/product/KIT-CHEF-KNIFE', '/admin/shipments', '/cart']) {
      const res = await app.request(path, { headers: html });
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain('<title>Shop</title>');
    }
  });

  it('keeps missing files, non-HTML requests and hidden files as 404 problems', async () => {
    for (const [path, headers] of [
      ['/js/missing.js', html],
      ['/orders/01HXYZ', { accept: 'application/json' }],
      ['/.env', html],
      ['/%2e%2e/package.json', html],
      ['/js/%00main.js', html],
    ] as const) {
      const res = await app.request(path, { headers });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
    }
  });

  it('never shadows the gateway’s own paths, not even for a browser', async () => {
    const api = await app.request('/api/nothing-here', { headers: html });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    for (const path of ['/auth/nothing', '/.well-known/nothing', '/console/nothing.js']) {
      const res = await app.request(path, { headers: html });
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('<title>Shop</title>');
    }
    expect(await (await app.request('/healthz', { headers: html })).json()).toEqual({ status: 'ok' });
    expect((await app.request('/.well-known/jwks.json', { headers: html })).headers.get('content-type')).toContain('application/json');
  });

  it('answers 404 over a real socket to raw paths that try to leave the root or reach hidden files', async () => {
    const { app: served, deps } = await testGateway({ storefrontDir: root });
    const server = await serveApp({
      app: served,
      port: 0,
      hostname: '127.0.0.1',
      logger: deps.logger,
      streamingBodies: true,
      lightweightResponses: false,
    });
    // node:http sends the path as written; fetch() would resolve the dot segments first.
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: server.port, path, headers: html }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject).end();
      });
    try {
      expect((await get('/js/main.js')).status).toBe(200);
      for (const path of [
        '/../outside.txt',
        '/js/../../outside.txt',
        '/%2e%2e/outside.txt',
        '/%2e%2e%2foutside.txt',
        '/js%2f..%2f..%2foutside.txt',
        '/..%5coutside.txt',
        '/js/%00main.js',
        '/js/main.js%00',
        '/.env',
        '/%2eenv',
      ]) {
        const res = await get(path);
        expect(res.status, path).toBe(404);
        expect(res.body, path).not.toContain('SECRET');
      }
    } finally {
      await server.close();
    }
  });

  it('serves nothing at / when no storefront is configured', async () => {
    const { app: bare } = await testGateway();
    expect((await bare.request('/', { headers: html })).status).toBe(404);
  });
});

describe('the real storefront package', () => {
  it('is served as a whole: the shell, its module script and its styles', async () => {
    const { app: real } = await testGateway({ storefrontDir: storefrontRoot });
    const shell = await (await real.request('/', { headers: html })).text();
    const scripts = [...shell.matchAll(/src="(\/[^"]+)"/g)].map((m) => m[1]!);
    const styles = [...shell.matchAll(/rel="stylesheet" href="(\/[^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toContain('/js/main.js');
    for (const path of [...scripts, ...styles]) expect((await real.request(path)).status, path).toBe(200);
    // Every module the entry point imports is there too.
    const main = await (await real.request('/js/main.js')).text();
    for (const [, module] of main.matchAll(/from '\.\/([^']+)'/g)) expect((await real.request(`/js/${module}`)).status, module).toBe(200);
  });
});
