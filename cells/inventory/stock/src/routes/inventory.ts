import { Hono } from 'hono';
import { requireScopes, type AuthedRequest } from '@retail/auth';
import { readJson, readQuery, validate } from '@retail/kernel';
import { adjustmentSchema, InventoryScopes, listStockQuerySchema } from '@retail/inventory-contract';
import { skuSchema } from '@retail/products-contract';
import type { Stock } from '../stock.ts';

/** The public routes of the descriptor (reads for everyone, adjustments for inventory:write). Mounted behind the internal-token check. */
export function inventoryRoutes(stock: Stock): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  const sku = (raw: string) => validate(skuSchema, raw);

  routes.get('/inventory', (c) => c.json(stock.list(readQuery(c, listStockQuerySchema))));

  routes.get('/inventory/:sku', (c) => c.json(stock.get(sku(c.req.param('sku')))));

  routes.post('/inventory/:sku/adjustments', requireScopes(InventoryScopes.write), async (c) => {
    const id = sku(c.req.param('sku'));
    const level = stock.adjust(id, await readJson(c, adjustmentSchema), c.get('principal').sub);
    return c.json(level, 201);
  });

  return routes;
}
