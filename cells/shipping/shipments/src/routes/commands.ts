import { Hono, type Context } from 'hono';
import { requireWorkload, type AuthedRequest } from '@retail/auth';
import { NotFoundError, readJson, ValidationError } from '@retail/kernel';
import { commandIdempotencyKeySchema, createShipmentCommandSchema, shippingCell } from '@retail/shipping-contract';
import type { Shipments } from '../shipments.ts';

/** The command's Idempotency-Key (the id of the event that caused it); required. */
function idempotencyKey(c: Context): string {
  const parsed = commandIdempotencyKeySchema.safeParse(c.req.header('idempotency-key'));
  if (!parsed.success) {
    throw new ValidationError([
      { path: 'Idempotency-Key', message: 'Send an Idempotency-Key header of 8–100 visible ASCII characters (the event id).' },
    ]);
  }
  return parsed.data;
}

/** An order's shipment cancelled; 404 while it has none yet (the cancellation is remembered for when it comes). */
export function cancelShipmentOf(shipments: Shipments, orderId: string, key: string, customerId?: string) {
  const cancelled = shipments.cancelByOrder(orderId, key, customerId);
  if (!cancelled) throw new NotFoundError(`No shipment for order ${orderId} yet; it will be cancelled if one is requested.`);
  return cancelled;
}

/**
 * Cell-internal commands from fulfillment: not in the descriptor, so the gateway never routes them;
 * only fulfillment's workload token (scope `shipping:internal`, subject `service:shipping/fulfillment`)
 * may send them.
 */
export function commandRoutes(shipments: Shipments): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  routes.use('/internal/*', requireWorkload(shippingCell.name, 'fulfillment'));

  routes.post('/internal/shipments', async (c) => {
    const key = idempotencyKey(c);
    const { shipment, created } = shipments.create(await readJson(c, createShipmentCommandSchema), key);
    return c.json(shipment, created ? 201 : 200, { location: `/shipments/${shipment.id}` });
  });

  routes.post('/internal/shipments/by-order/:orderId/cancel', (c) =>
    c.json(cancelShipmentOf(shipments, c.req.param('orderId'), idempotencyKey(c))),
  );

  return routes;
}
