import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '@retail/data';
import { outboxSubjects } from '@retail/data/testing';
import { appCaller, json } from '@retail/testing';
import { catalogTestApp } from '../../test/test-app.ts';

type TestApp = Awaited<ReturnType<typeof catalogTestApp>>;
let t: TestApp;

beforeEach(async () => {
  t = await catalogTestApp();
});
afterEach(() => t.close());

const lamp = {
  sku: 'HOM-TEST-LAMP',
  name: 'Test Lamp',
  description: 'A lamp for tests',
  category: 'home',
  price: { amount: 2599, currency: 'USD' },
};

const call = appCaller(() => t.app);

const subjects = () => outboxSubjects(t.db);

describe('catalog: create', () => {
  it('creates a product and writes products.product.created to the outbox in the same transaction', async () => {
    const res = await call('POST', '/products', { token: t.admin, body: lamp });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/products/HOM-TEST-LAMP');
    expect(res.headers.get('etag')).toBe('"v1"');
    const product = await json(res);
    expect(product).toMatchObject({ ...lamp, imageUrl: null, version: 1 });
    expect(subjects()).toEqual(['products.product.created']);
    const [row] = t.db.select().from(outbox).all();
    expect(JSON.parse(row!.payload)).toMatchObject({
      specversion: '1.0',
      type: 'products.product.created',
      subject: 'HOM-TEST-LAMP',
      data: { product: { sku: 'HOM-TEST-LAMP' } },
    });
  });

  it('refuses a duplicate SKU with 409 and writes nothing', async () => {
    await call('POST', '/products', { token: t.admin, body: lamp });
    const res = await call('POST', '/products', { token: t.admin, body: { ...lamp, name: 'Other' } });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(res)).toMatchObject({ type: '/api/problems/duplicate-sku', title: 'Duplicate SKU', status: 409 });
    expect(subjects()).toHaveLength(1);
  });

  it.each([
    ['negative price', { ...lamp, price: { amount: -1, currency: 'USD' } }, 'price.amount'],
    ['non-integer price', { ...lamp, price: { amount: 12.5, currency: 'USD' } }, 'price.amount'],
    ['price as a string', { ...lamp, price: { amount: '1200', currency: 'USD' } }, 'price.amount'],
    ['unknown currency', { ...lamp, price: { amount: 100, currency: 'XXX' } }, 'price.currency'],
    ['missing name', { ...lamp, name: undefined }, 'name'],
    ['bad SKU', { ...lamp, sku: 'lower case' }, 'sku'],
    ['unknown field', { ...lamp, colour: 'red' }, '(root)'],
    ['non-http image URL', { ...lamp, imageUrl: 'javascript:alert(1)' }, 'imageUrl'],
  ])('refuses %s with 400 and the field error, writing nothing', async (_name, body, path) => {
    const res = await call('POST', '/products', { token: t.admin, body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json(res);
    expect(problem.status).toBe(400);
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(subjects()).toHaveLength(0);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await call('POST', '/products', { token: t.admin, raw: '{"sku": "ABC",' });
    expect(res.status).toBe(400);
    expect((await json(res)).detail).toMatch(/not valid JSON/);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await call('POST', '/products', {
      token: t.admin,
      raw: 'sku=ABC',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await call('POST', '/products', { token: t.admin, body: { ...lamp, description: 'x'.repeat(100_000) } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('catalog: update and delete', () => {
  beforeEach(async () => {
    await call('POST', '/products', { token: t.admin, body: lamp });
  });
  const ifMatch = (etag: string) => ({ 'if-match': etag });
  const patch = (body: unknown, headers: Record<string, string> = ifMatch('"v1"')) =>
    call('PATCH', '/products/HOM-TEST-LAMP', { token: t.admin, body, headers });

  it('patches fields, bumps the version and announces the update', async () => {
    const res = await patch({ price: { amount: 1999, currency: 'USD' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"v2"');
    expect(await json(res)).toMatchObject({ name: 'Test Lamp', description: 'A lamp for tests', price: { amount: 1999 }, version: 2 });
    expect(subjects()).toEqual(['products.product.created', 'products.product.updated']);
    const read = await call('GET', '/products/HOM-TEST-LAMP', { token: t.admin });
    expect(read.headers.get('etag')).toBe('"v2"');
  });

  it('refuses an empty patch with 400', async () => {
    const res = await patch({});
    expect(res.status).toBe(400);
  });

  it('needs If-Match on PATCH and DELETE: 428 without it, and nothing changes', async () => {
    for (const res of [await patch({ name: 'x' }, {}), await call('DELETE', '/products/HOM-TEST-LAMP', { token: t.admin })]) {
      expect(res.status).toBe(428);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await json(res)).toMatchObject({ type: '/api/problems/if-match-required', status: 428 });
    }
    expect(subjects()).toEqual(['products.product.created']);
  });

  it('refuses a change made against an earlier version with 412, changing nothing', async () => {
    expect((await patch({ name: 'First edit' })).status).toBe(200);
    // A second editor still holds "v1": their change would overwrite the first one unseen.
    const stale = await patch({ name: 'Second edit' });
    expect(stale.status).toBe(412);
    expect(await json(stale)).toMatchObject({ type: '/api/problems/stale-if-match', title: 'Resource changed', status: 412 });
    const gone = await call('DELETE', '/products/HOM-TEST-LAMP', { token: t.admin, headers: ifMatch('"v1"') });
    expect(gone.status).toBe(412);
    expect(await json(await call('GET', '/products/HOM-TEST-LAMP', { token: t.admin }))).toMatchObject({ name: 'First edit', version: 2 });
    expect(subjects()).toEqual(['products.product.created', 'products.product.updated']);
    // With the current ETag (or one of a list, or *) it goes through.
    expect((await patch({ name: 'Second edit' }, ifMatch('"v1", "v2"'))).status).toBe(200);
    expect((await patch({ name: 'Third edit' }, ifMatch('*'))).status).toBe(200);
  });

  it('does not take a weak or malformed validator', async () => {
    expect((await patch({ name: 'x' }, ifMatch('W/"v1"'))).status).toBe(412);
    const malformed = await patch({ name: 'x' }, ifMatch('v1'));
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).errors).toEqual([{ path: 'If-Match', message: expect.any(String) }]);
  });

  it('answers 404 for an unknown SKU on update, delete and read, whatever If-Match says', async () => {
    for (const [method, body] of [
      ['PATCH', { name: 'x' }],
      ['DELETE', undefined],
      ['GET', undefined],
    ] as const) {
      const res = await call(method, '/products/NOPE-123', { token: t.admin, body, headers: ifMatch('"v1"') });
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await json(res)).toMatchObject({ type: 'about:blank', title: 'Not Found' });
    }
  });

  it('deletes a product and announces it', async () => {
    const res = await call('DELETE', '/products/HOM-TEST-LAMP', { token: t.admin, headers: ifMatch('"v1"') });
    expect(res.status).toBe(204);
    expect((await call('GET', '/products/HOM-TEST-LAMP', { token: t.admin })).status).toBe(404);
    expect(subjects()).toEqual(['products.product.created', 'products.product.deleted']);
  });
});

describe('catalog: the cell boundary', () => {
  it('refuses a request without the internal token with 401, even for reads', async () => {
    expect((await call('GET', '/products/HOM-TEST-LAMP')).status).toBe(401);
    const res = await call('POST', '/products', { body: lamp });
    expect(res.status).toBe(401);
    expect(subjects()).toHaveLength(0);
  });

  it('refuses a token minted for another cell or by another issuer', async () => {
    const otherCell = await t.tokens.sign({ scopes: ['products:write'] }, { audience: 'cell:orders' });
    expect((await call('POST', '/products', { token: otherCell, body: lamp })).status).toBe(401);
    const otherIssuer = await t.tokens.sign({ scopes: ['products:write'] }, { issuer: 'someone-else' });
    expect((await call('POST', '/products', { token: otherIssuer, body: lamp })).status).toBe(401);
  });

  it('refuses an expired internal token', async () => {
    const expired = await t.tokens.sign({ scopes: ['products:write'] }, { ttlSeconds: -10 });
    expect((await call('POST', '/products', { token: expired, body: lamp })).status).toBe(401);
  });

  it('refuses a write without the products:write scope with 403', async () => {
    const res = await call('POST', '/products', { token: t.customer, body: lamp });
    expect(res.status).toBe(403);
    expect(subjects()).toHaveLength(0);
  });
});

describe('catalog: the HTTP frame', () => {
  it('answers unknown routes with a 404 problem and wrong methods with 405 + Allow', async () => {
    // Deny by default: nothing, not even whether a route exists, without the internal token.
    expect((await call('GET', '/nothing-here')).status).toBe(401);
    const missing = await call('GET', '/nothing-here', { token: t.admin });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await call('PUT', '/products/HOM-TEST-LAMP', { token: t.admin, body: lamp });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('PATCH');
  });

  it('serves health and readiness', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).status).toBe(200);
  });
});

describe('catalog: authoritative prices for other cells', () => {
  it('prices known SKUs and names the missing ones', async () => {
    await call('POST', '/products', { token: t.admin, body: lamp });
    const pricing = await t.tokens.sign({ sub: 'client:orders', scopes: ['prices:read'] });
    const res = await call('GET', '/prices?sku=HOM-TEST-LAMP&sku=NOPE-404', { token: pricing });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      items: [{ sku: 'HOM-TEST-LAMP', name: 'Test Lamp', price: { amount: 2599, currency: 'USD' } }],
      missing: ['NOPE-404'],
    });
  });

  it('needs the prices:read scope and at least one well-formed SKU', async () => {
    expect((await call('GET', '/prices?sku=HOM-TEST-LAMP', { token: t.customer })).status).toBe(403);
    const pricing = await t.tokens.sign({ sub: 'client:orders', scopes: ['prices:read'] });
    expect((await call('GET', '/prices', { token: pricing })).status).toBe(400);
    expect((await call('GET', '/prices?sku=bad%20sku', { token: pricing })).status).toBe(400);
  });
});
