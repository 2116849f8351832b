import { Hono, type Context } from 'hono';
import { internalScope, requireScopes, type AuthedRequest } from '@retail/auth';
import { NotFoundError, ValidationError, readJson, readQuery } from '@retail/kernel';
import {
  createOrderCommandSchema,
  idempotencyKeySchema,
  orderTransitionCommandSchema,
  ordersCell,
  placementQuerySchema,
} from '@retail/orders-contract';
import type { OrderBook } from '../order-book.ts';

function idempotencyKey(c: Context): string {
  const parsed = idempotencyKeySchema.safeParse(c.req.header('idempotency-key'));
  if (!parsed.success)
    throw new ValidationError([
      {
        path: 'Idempotency-Key',
        message: 'Send the id of the event behind this command as Idempotency-Key (8–100 visible ASCII characters).',
      },
    ]);
  return parsed.data;
}

/**
 * Commands from the cell's composite (checkout), with a workload token of scope `orders:internal`.
 * These paths are not routes of the cell gateway, so nothing outside the cell reaches them.
 */
export function commandRoutes(book: OrderBook): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  const internal = requireScopes(internalScope(ordersCell.name));

  routes.post('/internal/orders', internal, async (c) => {
    const { order, created } = book.place(await readJson(c, createOrderCommandSchema));
    return c.json(order, created ? 201 : 200, { location: `/orders/${order.id}` });
  });

  routes.get('/internal/placements', internal, (c) => {
    const order = book.placement(readQuery(c, placementQuerySchema));
    if (!order) throw new NotFoundError('No order was placed with this Idempotency-Key.');
    return c.json(order, 200, { location: `/orders/${order.id}` });
  });

  routes.post('/internal/orders/:id/transitions', internal, async (c) => {
    const key = idempotencyKey(c);
    const command = await readJson(c, orderTransitionCommandSchema);
    return c.json(book.advance(c.req.param('id'), command, key).order);
  });

  return routes;
}
