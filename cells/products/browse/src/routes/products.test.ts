import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Product } from '@retail/products-contract';
import { json } from '@retail/testing';
import { deleteProduct, recordStock, upsertProduct } from '../projection.ts';
import { browseTestApp } from '../../test/test-app.ts';

let t: Awaited<ReturnType<typeof browseTestApp>>;

const product = (sku: string, name: string, category: string, amount: number, extra: Partial<Product> = {}): Product => ({
  sku,
  name,
  description: `${name} description`,
  category,
  price: { amount, currency: 'USD' },
  imageUrl: null,
  version: 1,
  createdAt: `2026-01-0${(amount % 9) + 1}T00:00:00.000Z`,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

beforeEach(async () => {
  t = await browseTestApp();
  t.db.transaction((tx) => {
    upsertProduct(tx, product('KIT-KNIFE', 'Chef Knife', 'kitchen', 8900));
    upsertProduct(tx, product('KIT-PAN', 'Cast Iron Pan', 'kitchen', 4500));
    upsertProduct(tx, product('OUT-TENT', 'Tent 100% waterproof', 'outdoor', 34900));
    upsertProduct(tx, product('OUT-LAMP', 'Headlamp', 'outdoor', 3900));
    upsertProduct(tx, product('HOM-LAMP', 'Desk Lamp', 'home', 5900));
  });
});
afterEach(() => t.close());

const get = (path: string, token: string | null = t.anonymous) =>
  t.app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('browse: listing and search', () => {
  it('lists products sorted by name with a page envelope', async () => {
    const res = await get('/products');
    expect(res.status).toBe(200);
    const page = await json(res);
    expect(page).toMatchObject({ page: 1, pageSize: 20, total: 5 });
    expect(page.items.map((p: Product) => p.name)).toEqual([
      'Cast Iron Pan',
      'Chef Knife',
      'Desk Lamp',
      'Headlamp',
      'Tent 100% waterproof',
    ]);
  });

  it('searches name and description case-insensitively, every word must match', async () => {
    const page = await json(await get('/products?q=LAMP'));
    expect(page.items.map((p: Product) => p.sku).sort()).toEqual(['HOM-LAMP', 'OUT-LAMP']);
    const both = await json(await get('/products?q=desk%20lamp'));
    expect(both.items.map((p: Product) => p.sku)).toEqual(['HOM-LAMP']);
  });

  it('treats % and _ in the search text literally', async () => {
    const page = await json(await get('/products?q=100%25'));
    expect(page.items.map((p: Product) => p.sku)).toEqual(['OUT-TENT']);
    expect((await json(await get('/products?q=%25'))).total).toBe(1);
  });

  it('filters by category and sorts by price both ways', async () => {
    const cheap = await json(await get('/products?category=outdoor&sort=price'));
    expect(cheap.items.map((p: Product) => p.sku)).toEqual(['OUT-LAMP', 'OUT-TENT']);
    const dear = await json(await get('/products?sort=-price'));
    expect(dear.items[0].sku).toBe('OUT-TENT');
  });

  it('paginates with a stable total', async () => {
    const first = await json(await get('/products?pageSize=2&page=1'));
    const third = await json(await get('/products?pageSize=2&page=3'));
    expect(first).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(third.items).toHaveLength(1);
    expect((await json(await get('/products?pageSize=2&page=9'))).items).toEqual([]);
  });

  it.each([
    ['pageSize=1000', 'pageSize'],
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['sort=cheapest', 'sort'],
    ['category=Not%20A%20Slug', 'category'],
    ['colour=red', '(root)'],
  ])('refuses ?%s with 400 naming the field', async (query, path) => {
    const res = await get(`/products?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('browse: product detail and availability', () => {
  it('shows availability as unknown until the inventory cell reports', async () => {
    const item = await json(await get('/products/KIT-KNIFE'));
    expect(item).toMatchObject({
      sku: 'KIT-KNIFE',
      price: { amount: 8900, currency: 'USD' },
      availability: { status: 'unknown', available: null },
    });
  });

  it('shows in stock, low stock and out of stock from inventory.stock.changed', async () => {
    t.db.transaction((tx) => {
      recordStock(tx, { sku: 'KIT-KNIFE', onHand: 40, reserved: 10, available: 30 });
      recordStock(tx, { sku: 'KIT-PAN', onHand: 5, reserved: 2, available: 3 });
      recordStock(tx, { sku: 'OUT-TENT', onHand: 4, reserved: 4, available: 0 });
    });
    expect((await json(await get('/products/KIT-KNIFE'))).availability).toEqual({ status: 'in_stock', available: 30 });
    expect((await json(await get('/products/KIT-PAN'))).availability).toEqual({ status: 'low_stock', available: 3 });
    expect((await json(await get('/products/OUT-TENT'))).availability).toEqual({ status: 'out_of_stock', available: 0 });
  });

  it('ignores a stale update and applies a newer one', async () => {
    t.db.transaction((tx) => upsertProduct(tx, product('KIT-KNIFE', 'Chef Knife v3', 'kitchen', 9900, { version: 3 })));
    t.db.transaction((tx) => upsertProduct(tx, product('KIT-KNIFE', 'Chef Knife v2', 'kitchen', 9500, { version: 2 })));
    expect((await json(await get('/products/KIT-KNIFE'))).name).toBe('Chef Knife v3');
  });

  it('tags the detail with the catalog’s version of the product it shows, as the catalog does', async () => {
    expect((await get('/products/KIT-KNIFE')).headers.get('etag')).toBe('"v1"');
    t.db.transaction((tx) => upsertProduct(tx, product('KIT-KNIFE', 'Chef Knife v3', 'kitchen', 9900, { version: 3 })));
    expect((await get('/products/KIT-KNIFE')).headers.get('etag')).toBe('"v3"');
    // A stale event leaves both the product and its tag alone.
    t.db.transaction((tx) => upsertProduct(tx, product('KIT-KNIFE', 'Chef Knife v2', 'kitchen', 9500, { version: 2 })));
    expect((await get('/products/KIT-KNIFE')).headers.get('etag')).toBe('"v3"');
    // The version is the ETag's business, not the body's: the public item is as it was.
    expect(await json(await get('/products/KIT-KNIFE'))).not.toHaveProperty('version');
  });

  it('answers 404 for an unknown or deleted SKU and 400 for a malformed one', async () => {
    t.db.transaction((tx) => deleteProduct(tx, { sku: 'KIT-PAN', version: 2 }));
    expect((await get('/products/KIT-PAN')).status).toBe(404);
    expect((await get('/products/NOPE-1')).status).toBe(404);
    expect((await get('/products/bad%20sku')).status).toBe(400);
  });

  it('refuses requests that did not come through the gateway (no internal token)', async () => {
    expect((await get('/products', null)).status).toBe(401);
    expect((await get('/products/KIT-KNIFE', 'not-a-jwt')).status).toBe(401);
  });
});
