import { Hono, type Context } from 'hono';
import { requireScopes, type AuthedRequest } from '@retail/auth';
import { ifMatchAllows, readJson, requireIfMatch, validate, versionETag } from '@retail/kernel';
import { createProductSchema, priceQuerySchema, updateProductSchema, skuSchema, ProductScopes } from '@retail/products-contract';
import type { Catalog, VersionCheck } from '../catalog.ts';

/** Every answer with a product carries its version as a strong ETag (`"v7"`), as browse's does. */
const withETag = (product: { version: number }) => ({ ETag: versionETag(product.version) });

/**
 * Admin writes to the catalog (public reads are served by `browse`). Mounted behind the internal-token
 * check. PATCH and DELETE are conditional: `If-Match` with the ETag of the version the change was made
 * against (428 without it, 412 when the product has moved on).
 */
export function productRoutes(catalog: Catalog): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  const sku = (raw: string) => validate(skuSchema, raw);
  const ifMatch = (c: Context): VersionCheck => {
    const allowed = requireIfMatch(c);
    return (version) => ifMatchAllows(allowed, versionETag(version));
  };

  routes.get('/products/:sku', (c) => {
    const product = catalog.get(sku(c.req.param('sku')));
    return c.json(product, 200, withETag(product));
  });

  routes.get('/prices', requireScopes(ProductScopes.readPrices), (c) => {
    const query = validate(priceQuerySchema, { sku: c.req.queries('sku') ?? [] });
    return c.json(catalog.prices(query.sku));
  });

  routes.post('/products', requireScopes(ProductScopes.write), async (c) => {
    const product = catalog.create(await readJson(c, createProductSchema));
    return c.json(product, 201, { location: `/products/${product.sku}`, ...withETag(product) });
  });

  routes.patch('/products/:sku', requireScopes(ProductScopes.write), async (c) => {
    const id = sku(c.req.param('sku'));
    const check = ifMatch(c);
    const product = catalog.update(id, await readJson(c, updateProductSchema), check);
    return c.json(product, 200, withETag(product));
  });

  routes.delete('/products/:sku', requireScopes(ProductScopes.write), (c) => {
    const id = sku(c.req.param('sku'));
    catalog.remove(id, ifMatch(c));
    return c.body(null, 204);
  });

  return routes;
}
