import { Hono, type Context } from 'hono';
import { requireScopes, type AuthedRequest } from '@retail/auth';
import { ValidationError, readJson, readQuery, type FieldError } from '@retail/kernel';
import {
  MigrationScopes,
  exportQuerySchema,
  importCommandSchema,
  migratingCustomerSchema,
  moveCommandSchema,
  orderTransitionCommandSchema,
  undoMoveCommandSchema,
  type ImportCommand,
} from '@retail/orders-contract';
import type { CustomerMigration } from '../migration/customer-migration.ts';
import type { OrderBook } from '../order-book.ts';
import { idempotencyKey } from './commands.ts';

/** The customer in the path: 400 with the field `customerId` when it is not a customer id. */
function customerOf(c: Context): string {
  const parsed = migratingCustomerSchema.safeParse(c.req.param('customerId'));
  if (!parsed.success) throw new ValidationError([{ path: 'customerId', message: parsed.error.issues[0]!.message }]);
  return parsed.data;
}

/** An import is for the customer in the path: the bundle and each of its orders must be theirs (400 otherwise). */
function assertBundleOf(customerId: string, { bundle }: ImportCommand): void {
  const errors: FieldError[] = [];
  const theirs = (path: string, named: string) => {
    if (named !== customerId) errors.push({ path, message: `must be ${customerId}, the customer in the path, not ${named}` });
  };
  theirs('bundle.customerId', bundle.customerId);
  for (const [i, order] of bundle.orders.entries()) theirs(`bundle.orders.${i}.customerId`, order.customerId);
  if (errors.length) throw new ValidationError(errors, 'The bundle is not the customer’s in the path.');
}

/**
 * Moving a customer between partitions (README, "Moving customers between partitions"). The placement
 * cell's migration controller calls the customer routes with its client-credentials token (the gateway
 * forwards its scopes: `orders:migrate`); another partition's checkout hands over saga steps for orders
 * that moved here (`orders:handover`). Mounted behind the internal-token check.
 */
export function migrationRoutes(migration: CustomerMigration, book: OrderBook): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  const migrate = requireScopes(MigrationScopes.migrate);

  routes.get('/migration/customers', migrate, (c) => c.json(migration.held()));

  routes.get('/migration/customers/:customerId', migrate, (c) => {
    const customerId = customerOf(c);
    return c.json(migration.exportBundle(customerId, readQuery(c, exportQuerySchema).migrationId));
  });

  routes.put('/migration/customers/:customerId', migrate, async (c) => {
    const customerId = customerOf(c);
    const command = await readJson(c, importCommandSchema);
    assertBundleOf(customerId, command);
    return c.json(migration.import(customerId, command));
  });

  routes.post('/migration/customers/:customerId/freeze', migrate, async (c) => {
    const customerId = customerOf(c);
    return c.json(migration.freeze(customerId, await readJson(c, moveCommandSchema)));
  });

  routes.post('/migration/customers/:customerId/release', migrate, async (c) => {
    const customerId = customerOf(c);
    return c.json(migration.release(customerId, await readJson(c, moveCommandSchema)));
  });

  routes.post('/migration/customers/:customerId/unfreeze', migrate, async (c) => {
    const customerId = customerOf(c);
    return c.json(migration.unfreeze(customerId, await readJson(c, undoMoveCommandSchema)));
  });

  routes.post('/migration/customers/:customerId/discard', migrate, async (c) => {
    const customerId = customerOf(c);
    return c.json(migration.discard(customerId, await readJson(c, undoMoveCommandSchema)));
  });

  // What /internal/orders/:id/transitions does, for a saga step another partition received for an order
  // that moved here: the same `advance`, the same Idempotency-Key (the event id).
  routes.post('/migration/orders/:id/transitions', requireScopes(MigrationScopes.handover), async (c) => {
    const key = idempotencyKey(c);
    const command = await readJson(c, orderTransitionCommandSchema);
    return c.json(book.advance(c.req.param('id'), command, key).order);
  });

  return routes;
}
