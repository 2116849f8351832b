import { Hono } from 'hono';
import type { AuthedRequest } from '@retail/auth';
import { readQuery, validate } from '@retail/kernel';
import { listProductsQuerySchema, skuSchema } from '@retail/products-contract';
import { getProduct, listProducts, type BrowseDb } from '../queries.ts';

/** Public reads: search, filter, sort, paginate; product detail with availability. */
export function productRoutes(db: BrowseDb): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  routes.get('/products', (c) => c.json(listProducts(db, readQuery(c, listProductsQuerySchema))));
  routes.get('/products/:sku', (c) => c.json(getProduct(db, validate(skuSchema, c.req.param('sku')))));
  return routes;
}
