import { Hono } from 'hono';
import type { AuthedRequest } from '@retail/auth';
import { readQuery, validate, versionETag } from '@retail/kernel';
import { listProductsQuerySchema, skuSchema } from '@retail/products-contract';
import { getProduct, listProducts, type BrowseDb } from '../queries.ts';

/**
 * Public reads: search, filter, sort, paginate; product detail with availability. The detail carries
 * the product's catalog version as its ETag (`"v7"`), which an operator's PATCH or DELETE sends back in
 * `If-Match` to the catalog.
 */
export function productRoutes(db: BrowseDb): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  routes.get('/products', (c) => c.json(listProducts(db, readQuery(c, listProductsQuerySchema))));
  routes.get('/products/:sku', (c) => {
    const { item, version } = getProduct(db, validate(skuSchema, c.req.param('sku')));
    return c.json(item, 200, { ETag: versionETag(version) });
  });
  return routes;
}
