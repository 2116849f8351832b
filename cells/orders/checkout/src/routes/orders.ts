import { Hono, type Context } from 'hono';
import { bearerToken, requireScopes, type AuthedRequest } from '@retail/auth';
import { ValidationError, readJson, type FieldError } from '@retail/kernel';
import { OrderScopes, idempotencyKeySchema, placeOrderSchema, type PlaceOrder } from '@retail/orders-contract';
import type { Checkout } from '../checkout.ts';

const missingKey: FieldError = {
  path: 'Idempotency-Key',
  message: 'Send a unique Idempotency-Key header with each new order (8–100 visible ASCII characters, e.g. a UUID).',
};

/** The body and the Idempotency-Key header, with every field error of both in one 400. */
async function readOrderRequest(c: Context<AuthedRequest>): Promise<{ key: string; request: PlaceOrder }> {
  const key = idempotencyKeySchema.safeParse(c.req.header('idempotency-key'));
  let request: PlaceOrder;
  try {
    request = await readJson(c, placeOrderSchema);
  } catch (error) {
    if (!key.success && error instanceof ValidationError)
      throw new ValidationError([missingKey, ...(error.extensions.errors as FieldError[])]);
    throw error;
  }
  if (!key.success) throw new ValidationError([missingKey]);
  return { key: key.data, request };
}

/** Placing and cancelling orders. Mounted behind the internal-token check; `sub` of the forwarded identity is the customer. */
export function checkoutRoutes(checkout: Checkout): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();

  routes.post('/orders', requireScopes(OrderScopes.write), async (c) => {
    const { key, request } = await readOrderRequest(c);
    // 201 for a replay too: the customer gets exactly the answer the first attempt got.
    const customer = { id: c.get('principal').sub, token: bearerToken(c.req.header('authorization'))! };
    const order = await checkout.placeOrder(customer, key, request);
    return c.json(order, 201, { location: `/orders/${order.id}` });
  });

  // The caller's internal token (verified in front of these routes) goes on to the orders service, which
  // decides whose order it is.
  routes.post('/orders/:id/cancel', requireScopes(OrderScopes.write), async (c) =>
    c.json(await checkout.cancelOrder(c.req.param('id'), bearerToken(c.req.header('authorization'))!)),
  );

  return routes;
}
