import { Hono, type Context } from 'hono';
import { requireForwardedUser, requireWorkload, type AuthedRequest, type TokenVerifier } from '@retail/auth';
import { ForbiddenError, ValidationError, readJson } from '@retail/kernel';
import {
  OrderScopes,
  createOrderCommandSchema,
  idempotencyKeySchema,
  orderTransitionCommandSchema,
  ordersCell,
} from '@retail/orders-contract';
import type { OrderBook } from '../order-book.ts';

/** The Idempotency-Key header of a saga step: the id of the event behind it (400 when missing or malformed). */
export function idempotencyKey(c: Context): string {
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

/** The customer a command names must be the one checkout acts for, not whoever the body says. */
function forCaller(c: Context<AuthedRequest>, customerId: string): void {
  if (customerId !== c.get('forwardedUser').sub) throw new ForbiddenError('Checkout may place orders only for the customer it acts for.');
}

/**
 * Commands from the cell's composite (checkout): only its workload token (scope `orders:internal`,
 * subject `service:orders/checkout`) may send them, and a placement only for the customer whose
 * internal token checkout forwards (FORWARDED_USER_HEADER). These paths are not routes of the cell
 * gateway, so nothing outside the cell reaches them.
 */
export function commandRoutes(book: OrderBook, verifyToken: TokenVerifier): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  const fromCheckout = requireWorkload(ordersCell.name, 'checkout');
  const forCustomer = requireForwardedUser(verifyToken, OrderScopes.write);

  routes.post('/internal/orders', fromCheckout, forCustomer, async (c) => {
    const command = await readJson(c, createOrderCommandSchema);
    forCaller(c, command.customerId);
    const { order, created } = book.place(command);
    return c.json(order, created ? 201 : 200, { location: `/orders/${order.id}` });
  });

  routes.post('/internal/orders/:id/transitions', fromCheckout, async (c) => {
    const key = idempotencyKey(c);
    const command = await readJson(c, orderTransitionCommandSchema);
    return c.json(book.advance(c.req.param('id'), command, key).order);
  });

  return routes;
}
