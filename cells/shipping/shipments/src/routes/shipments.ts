import { Hono } from 'hono';
import { hasScopes, requireScopes, type AuthedRequest, type Principal } from '@retail/auth';
import { readJson, readQuery } from '@retail/kernel';
import { OrderScopes } from '@retail/orders-contract';
import { cancelOrderShipmentSchema, listShipmentsQuerySchema, ShippingScopes } from '@retail/shipping-contract';
import type { Viewer } from '@retail/data';
import type { Shipments } from '../shipments.ts';
import { cancelShipmentOf } from './commands.ts';

/** Operators (and order admins) see every shipment; a customer only those of their own orders. */
export const viewerOf = (principal: Principal): Viewer => ({
  customerId: principal.sub,
  operator: hasScopes(principal, [ShippingScopes.write]) || hasScopes(principal, [OrderScopes.admin]),
});

/** The public API (routed by the shipping gateway). Mounted behind the internal-token check. */
export function shipmentRoutes(shipments: Shipments): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();

  routes.get('/shipments', requireScopes(ShippingScopes.read), (c) =>
    c.json(shipments.list(readQuery(c, listShipmentsQuerySchema), viewerOf(c.get('principal')))),
  );

  routes.get('/shipments/:id', requireScopes(ShippingScopes.read), (c) =>
    c.json(shipments.get(c.req.param('id'), viewerOf(c.get('principal')))),
  );

  routes.post('/shipments/:id/dispatch', requireScopes(ShippingScopes.write), (c) => c.json(shipments.dispatch(c.req.param('id'))));

  routes.post('/shipments/:id/deliver', requireScopes(ShippingScopes.write), (c) => c.json(shipments.deliver(c.req.param('id'))));

  // The orders cell, before it cancels a confirmed order: the shipment goes first, so that an order is
  // never cancelled after its goods left. Only the shipment of the customer the orders cell names: any
  // other is answered as not found and left as it is. One key per order and customer: asking again
  // answers the same.
  routes.post('/shipments/by-order/:orderId/cancel', requireScopes(ShippingScopes.cancel), async (c) => {
    const orderId = c.req.param('orderId');
    const { customerId } = await readJson(c, cancelOrderShipmentSchema);
    return c.json(cancelShipmentOf(shipments, orderId, `orders-cell-cancel:${orderId}:${customerId}`, customerId));
  });

  return routes;
}
