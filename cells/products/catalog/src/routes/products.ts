import { Hono } from 'hono';
import { requireScopes, type AuthedRequest } from '@retail/auth';
import { readJson, validate } from '@retail/kernel';
import { createProductSchema, priceQuerySchema, updateProductSchema, skuSchema, ProductScopes } from '@retail/products-contract';
import type { Catalog } from '../catalog.ts';

/** Admin writes to the catalog (public reads are served by `browse`). Mounted behind the internal-token check. */
export function productRoutes(catalog: Catalog): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  const sku = (raw: string) => validate(skuSchema, raw);

  routes.get('/products/:sku', (c) => c.json(catalog.get(sku(c.req.param('sku')))));

  routes.get('/prices', requireScopes(ProductScopes.readPrices), (c) => {
    const query = validate(priceQuerySchema, { sku: c.req.queries('sku') ?? [] });
    return c.json(catalog.prices(query.sku));
  });

  routes.post('/products', requireScopes(ProductScopes.write), async (c) => {
    const product = catalog.create(await readJson(c, createProductSchema));
    return c.json(product, 201, { location: `/products/${product.sku}` });
  });

  routes.patch('/products/:sku', requireScopes(ProductScopes.write), async (c) => {
    const id = sku(c.req.param('sku'));
    return c.json(catalog.update(id, await readJson(c, updateProductSchema)));
  });

  routes.delete('/products/:sku', requireScopes(ProductScopes.write), (c) => {
    catalog.remove(sku(c.req.param('sku')));
    return c.body(null, 204);
  });

  return routes;
}
