import { Hono, type Context } from 'hono';
import { internalScope, requireScopes, type AuthEnv } from '@retail/auth';
import { NotFoundError, readJson, ValidationError } from '@retail/kernel';
import { commandIdempotencyKeySchema, createShipmentCommandSchema, shippingCell } from '@retail/shipping-contract';
import type { Shipments } from '../shipments.ts';

/** The command's Idempotency-Key (the id of the event that caused it); required. */
function idempotencyKey(c: Context): string {
  const parsed = commandIdempotencyKeySchema.safeParse(c.req.header('idempotency-key'));
  if (!parsed.success) {
    throw new ValidationError([{ path: 'Idempotency-Key', message: 'Send an Idempotency-Key header of 8–100 visible ASCII characters (the event id).' }]);
  }
  return parsed.data;
}

/**
 * Cell-internal commands from fulfillment: not in the descriptor, so the gateway never routes them;
 * only workload tokens of this cell (scope `shipping:internal`) may send them.
 */
export function commandRoutes(shipments: Shipments): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.use('/internal/*', requireScopes(internalScope(shippingCell.name)));

  routes.post('/internal/shipments', async (c) => {
    const key = idempotencyKey(c);
    const { shipment, created } = shipments.create(await readJson(c, createShipmentCommandSchema), key);
    return c.json(shipment, created ? 201 : 200, { location: `/shipments/${shipment.id}` });
  });

  routes.post('/internal/shipments/by-order/:orderId/cancel', (c) => {
    const key = idempotencyKey(c);
    const cancelled = shipments.cancelByOrder(c.req.param('orderId'), key);
    if (!cancelled) throw new NotFoundError(`No shipment for order ${c.req.param('orderId')} yet; it will be cancelled if one is requested.`);
    return c.json(cancelled);
  });

  return routes;
}
