import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@retail/testing';
import { startShopSystem } from '../src/retail.ts';

/**
 * The products cell and gateway-global as real processes on a real nats-server: everything a client
 * does goes through gateway-global, exactly as in production.
 */
const { system, api, s } = await startShopSystem();
afterAll(() => system.stop());
const { admin } = s;

const product = (sku: string, amount = 1234) => ({
  sku,
  name: `Product ${sku}`,
  category: 'home',
  price: { amount, currency: 'USD' as const },
});

const browseTotal = async () => (await api.get('/api/products', { query: { pageSize: 1 } })).body.total;

describe('products through gateway-global', () => {
  it('serves the seeded catalog publicly, via outbox → JetStream → browse', async () => {
    const total = await waitFor(
      async () => {
        const n = await browseTotal();
        return n >= 24 ? n : undefined;
      },
      { what: 'the seeded catalog in browse' },
    );
    expect(total).toBe(24);
    const kitchen = await api.get('/api/products', { query: { category: 'kitchen', sort: '-price' } });
    expect(kitchen.status).toBe(200);
    expect(kitchen.body.items[0]).toMatchObject({ category: 'kitchen', sku: 'KIT-DUTCH-OVEN' });
    // The inventory cell stocks every new catalog product and reports it back (inventory.stock.changed).
    await waitFor(
      async () =>
        (await api.get('/api/products/{sku}', { path: { sku: 'HOM-LINEN-SHEETS' } })).body.availability.status === 'out_of_stock' ||
        undefined,
      {
        what: 'availability from the inventory cell',
      },
    );
    expect((await api.get('/api/products/{sku}', { path: { sku: 'OUT-TENT-2P' } })).body.availability).toEqual({
      status: 'low_stock',
      available: 3,
    });
  });

  it('lets an admin create, change and delete a product, and browse follows each change', async () => {
    const created = await api.post('/api/products', { token: admin, body: product('HOM-E2E-VASE', 2500) });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/products/HOM-E2E-VASE');
    const vase = { path: { sku: 'HOM-E2E-VASE' } };
    await waitFor(async () => (await api.get('/api/products/{sku}', vase)).status === 200 || undefined, {
      what: 'the new product in browse',
    });
    expect((await api.get('/api/products', { query: { q: 'e2e vase' } })).body.items.map((p) => p.sku)).toEqual(['HOM-E2E-VASE']);

    // Changes name the version they were made against: the ETag of the catalog's answer, or of browse's.
    const v1 = created.headers.get('etag')!;
    expect(v1).toBe('"v1"');
    expect((await api.get('/api/products/{sku}', vase)).headers.get('etag')).toBe(v1);
    const price = { price: { amount: 1999, currency: 'USD' } } as const;
    // Without If-Match (which the document, and so the typed client, require): 428.
    expect((await api.call('PATCH', '/api/products/HOM-E2E-VASE', { token: admin, body: price })).status).toBe(428);
    const changed = await api.patch('/api/products/{sku}', { ...vase, token: admin, body: price, headers: { 'If-Match': v1 } });
    expect(changed.status).toBe(200);
    const v2 = changed.headers.get('etag')!;
    expect(v2).toBe('"v2"');
    // A second edit made against what was read before the first one would overwrite it unseen: refused.
    const stale = await api.patch('/api/products/{sku}', {
      ...vase,
      token: admin,
      body: { name: 'Stale edit' },
      headers: { 'If-Match': v1 },
    });
    expect(stale.status).toBe(412);
    expect(stale.problem).toMatchObject({ type: '/api/problems/stale-if-match', status: 412 });
    // The problem's type leads to a description of its kind.
    expect((await api.call('GET', stale.problem!.type)).body).toMatchObject({ kind: 'stale-if-match', status: 412 });
    await waitFor(async () => (await api.get('/api/products/{sku}', vase)).body.price.amount === 1999 || undefined, {
      what: 'the new price in browse',
    });
    expect((await api.get('/api/products/{sku}', vase)).headers.get('etag')).toBe(v2);

    expect((await api.delete('/api/products/{sku}', { ...vase, token: admin, headers: { 'If-Match': v1 } })).status).toBe(412);
    expect((await api.delete('/api/products/{sku}', { ...vase, token: admin, headers: { 'If-Match': v2 } })).status).toBe(204);
    await waitFor(async () => (await api.get('/api/products/{sku}', vase)).status === 404 || undefined, {
      what: 'the product gone from browse',
    });
  });

  it('keeps customers and anonymous callers out of admin routes, with problem+json answers', async () => {
    const alice = await api.token('alice@example.com', 'alice');
    const asCustomer = await api.call('POST', '/api/products', { token: alice, body: product('HOM-E2E-NOPE') });
    expect(asCustomer.status).toBe(403);
    expect(asCustomer.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.call('POST', '/api/products', { body: product('HOM-E2E-NOPE') })).status).toBe(401);
    const wrongPassword = await fetch(`${system.url}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: 'alice@example.com', password: 'nope' }),
    });
    // RFC 6749 §5.2: 400 invalid_grant, as JSON (not a problem).
    expect(wrongPassword.status).toBe(400);
    expect(await wrongPassword.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a direct call to catalog that bypasses the gateway, even with a valid public token', async () => {
    const catalog = system.plan('products/catalog');
    const direct = await fetch(`${catalog.url}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify(product('HOM-E2E-SNEAK')),
    });
    expect(direct.status).toBe(401);
    expect((await fetch(`${catalog.url}/products/KIT-CHEF-KNIFE`)).status).toBe(401);
  });

  it('answers bad input at the edge with 4xx problem+json and writes nothing', async () => {
    const before = await browseTotal();
    const bad = await api.call('POST', '/api/products', {
      token: admin,
      body: { ...product('HOM-E2E-BAD'), price: { amount: -1, currency: 'USD' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('price.amount');
    const dup = await api.call('POST', '/api/products', { token: admin, body: product('KIT-CHEF-KNIFE') });
    expect(dup.status).toBe(409);
    const huge = await api.call('POST', '/api/products', {
      token: admin,
      body: { ...product('HOM-E2E-HUGE'), description: 'x'.repeat(200_000) },
    });
    expect(huge.status).toBe(413);
    expect((await api.call('GET', '/api/products/HOM-E2E-BAD')).status).toBe(404);
    expect(await browseTotal()).toBe(before);
  });
});

describe('browse restarts', () => {
  it('catches up after being stopped: nothing lost, nothing applied twice', async () => {
    const browse = system.process('products/browse');
    const before = await browseTotal();
    await browse.stop();
    const skus = Array.from({ length: 10 }, (_, i) => `HOM-E2E-R${i}`);
    for (const sku of skus) expect((await api.post('/api/products', { token: admin, body: product(sku, 100) })).status).toBe(201);
    for (const sku of skus.slice(0, 3)) {
      expect(
        (
          await api.patch('/api/products/{sku}', {
            path: { sku },
            token: admin,
            body: { price: { amount: 200, currency: 'USD' } },
            headers: { 'If-Match': '"v1"' },
          })
        ).status,
      ).toBe(200);
    }
    expect((await api.get('/api/products')).status).toBe(503);
    await browse.start();
    await waitFor(async () => ((await browseTotal()) === before + 10 ? true : undefined), { what: 'browse to catch up' });
    const page = await api.get('/api/products', { query: { q: 'e2e-r', pageSize: 100, sort: 'price' } });
    expect(page.body.items).toHaveLength(10);
    expect(page.body.items.filter((p) => p.price.amount === 200)).toHaveLength(3);
  });

  it('recovers from a crash (kill -9) in the middle of a burst', async () => {
    const browse = system.process('products/browse');
    const before = await browseTotal();
    const skus = Array.from({ length: 40 }, (_, i) => `HOM-E2E-K${String(i).padStart(2, '0')}`);
    const burst = Promise.all(skus.map((sku) => api.post('/api/products', { token: admin, body: product(sku, 300) })));
    await new Promise((r) => setTimeout(r, 50));
    await browse.kill();
    expect((await burst).every((r) => r.status === 201)).toBe(true);
    await browse.start();
    // Events the crashed process had received but not acknowledged come back after the ack wait (10 s).
    await waitFor(async () => ((await browseTotal()) === before + 40 ? true : undefined), {
      timeoutMs: 40_000,
      what: 'browse to catch up after the crash',
    });
    const listed = await api.get('/api/products', { query: { q: 'e2e-k', pageSize: 100 } });
    expect(new Set(listed.body.items.map((p) => p.sku))).toEqual(new Set(skus));
  });
});
