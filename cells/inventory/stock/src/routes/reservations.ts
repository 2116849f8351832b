import { Hono, type Context } from 'hono';
import type { AuthedRequest } from '@retail/auth';
import { readJson, ValidationError } from '@retail/kernel';
import { commandKeySchema, orderIdSchema, reserveStockSchema } from '@retail/inventory-contract';
import type { Reservations } from '../reservations.ts';

/**
 * Cell-internal commands from `allocation` (not in the descriptor, so the gateway never routes them).
 * Mounted behind the internal-token check and the `inventory:internal` scope.
 */
export function reservationRoutes(reservations: Reservations): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();

  routes.post('/reservations', async (c) => {
    const key = commandKey(c);
    return c.json(reservations.reserve(await readJson(c, reserveStockSchema), key));
  });

  routes.post('/reservations/:orderId/release', (c) => c.json(reservations.release(orderId(c), commandKey(c))));

  routes.post('/reservations/:orderId/commit', (c) => c.json(reservations.commit(orderId(c), commandKey(c))));

  return routes;
}

/** The id of the event behind the command: the same key twice is the same command. */
function commandKey(c: Context): string {
  const result = commandKeySchema.safeParse(c.req.header('idempotency-key'));
  if (!result.success)
    throw new ValidationError(
      [{ path: 'Idempotency-Key', message: result.error.issues[0]!.message }],
      'Send the id of the event behind the command as Idempotency-Key.',
    );
  return result.data;
}

function orderId(c: Context): string {
  const result = orderIdSchema.safeParse(c.req.param('orderId'));
  if (!result.success) throw new ValidationError([{ path: 'orderId', message: result.error.issues[0]!.message }]);
  return result.data;
}
