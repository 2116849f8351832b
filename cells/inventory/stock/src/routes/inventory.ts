import { Hono } from 'hono';
import { requireScopes, type AuthedRequest } from '@retail/auth';
import { readJson, readQuery, requestHash, validate, ValidationError } from '@retail/kernel';
import { adjustmentKeySchema, adjustmentSchema, InventoryScopes, listStockQuerySchema } from '@retail/inventory-contract';
import { skuSchema } from '@retail/products-contract';
import type { Stock } from '../stock.ts';

/** The public routes of the descriptor (reads for everyone, adjustments for inventory:write). Mounted behind the internal-token check. */
export function inventoryRoutes(stock: Stock): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  const sku = (raw: string) => validate(skuSchema, raw);

  routes.get('/inventory', (c) => c.json(stock.list(readQuery(c, listStockQuerySchema))));

  routes.get('/inventory/:sku', (c) => c.json(stock.get(sku(c.req.param('sku')))));

  // An optional Idempotency-Key makes a retried adjustment safe: applied once, answered the same.
  routes.post('/inventory/:sku/adjustments', requireScopes(InventoryScopes.write), async (c) => {
    const id = sku(c.req.param('sku'));
    const header = c.req.header('idempotency-key');
    const key = header === undefined ? undefined : adjustmentKeySchema.safeParse(header);
    if (key && !key.success) throw new ValidationError([{ path: 'Idempotency-Key', message: key.error.issues[0]!.message }]);
    const adjustment = await readJson(c, adjustmentSchema);
    const requestKey = key && { idempotencyKey: key.data, requestHash: requestHash({ sku: id, ...adjustment }) };
    return c.json(stock.adjust(id, adjustment, c.get('principal').sub, requestKey), 201);
  });

  return routes;
}
