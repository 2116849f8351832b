import { Hono, type Context } from 'hono';
import { hasScopes, requireScopes, type AuthedRequest } from '@retail/auth';
import { readQuery } from '@retail/kernel';
import { OrderScopes, cancelOrderQuerySchema, listOrdersQuerySchema } from '@retail/orders-contract';
import type { Viewer } from '@retail/data';
import type { OrderBook } from '../order-book.ts';

/** The customer's view of their orders (placing one is checkout's). Mounted behind the internal-token check. */
export function orderRoutes(book: OrderBook): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  // The gateway puts the caller's identity in the internal token: `sub` is the customer id.
  const viewer = (c: Context<AuthedRequest>): Viewer => {
    const principal = c.get('principal');
    return { customerId: principal.sub, operator: hasScopes(principal, [OrderScopes.admin]) };
  };

  routes.get('/orders', requireScopes(OrderScopes.read), (c) =>
    c.json(book.list(c.get('principal').sub, readQuery(c, listOrdersQuerySchema))),
  );

  routes.get('/orders/:id', requireScopes(OrderScopes.read), (c) => c.json(book.get(c.req.param('id'), viewer(c))));

  // Reached through checkout (the gateway routes a customer's cancel there), with the caller's token:
  // `ifStatus=PENDING` first; for a confirmed order, once its shipment is cancelled, `ifStatus=CONFIRMED`.
  routes.post('/orders/:id/cancel', requireScopes(OrderScopes.write), (c) =>
    c.json(book.cancel(c.req.param('id'), viewer(c), readQuery(c, cancelOrderQuerySchema).ifStatus)),
  );

  return routes;
}
