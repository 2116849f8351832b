import { Hono } from 'hono';
import { requireScopes, type AuthedRequest } from '@retail/auth';
import { readJson, readQuery, validate } from '@retail/kernel';
import { OrderScopes } from '@retail/orders-contract';
import { migrationListQuerySchema, migrationRequestSchema, partitionNameSchema } from '@retail/placement-contract';
import { z } from 'zod';
import type { MigrationController } from '../migration/controller.ts';
import type { MigrationStore } from '../migration/migration-store.ts';

const partitionParam = z.object({ partition: partitionNameSchema });
const idParam = z.object({ id: z.uuid() });

/** Operators move customers between partitions and drain partitions (orders:admin). Mounted behind the internal-token check. */
export function migrationRoutes(controller: MigrationController, store: MigrationStore): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  const admin = requireScopes(OrderScopes.admin);
  const partition = (raw: string) => validate(partitionParam, { partition: raw }).partition;

  routes.post('/cells/migrations', admin, async (c) => {
    const migration = await controller.move(await readJson(c, migrationRequestSchema));
    return c.json(migration, 202, { location: `/cells/migrations/${migration.id}` });
  });

  routes.get('/cells/migrations', admin, (c) => c.json({ items: store.list(readQuery(c, migrationListQuerySchema)) }));

  routes.get('/cells/migrations/:id', admin, (c) => c.json(store.get(validate(idParam, { id: c.req.param('id') }).id)));

  routes.post('/cells/placement/partitions/:partition/drain', admin, async (c) =>
    c.json(await controller.drain(partition(c.req.param('partition'))), 202),
  );

  routes.get('/cells/placement/partitions/:partition/drain', admin, (c) =>
    c.json(controller.drainStatus(partition(c.req.param('partition')))),
  );

  routes.post('/cells/placement/partitions/:partition/undrain', admin, (c) =>
    c.json(controller.undrain(partition(c.req.param('partition')))),
  );

  return routes;
}
