import { Hono } from 'hono';
import { z } from 'zod';
import { requireScopes, type AuthedRequest } from '@retail/auth';
import { readJson, readQuery, validate } from '@retail/kernel';
import { OrderScopes } from '@retail/orders-contract';
import {
  customerIdSchema,
  customerPlacementQuerySchema,
  partitionStateChangeSchema,
  placementOverrideSchema,
} from '@retail/placement-contract';
import type { Placements } from '../placements.ts';

const customerParam = z.object({ customerId: customerIdSchema });

/** Operators' view and levers of the placement map. Mounted behind the internal-token check. */
export function placementRoutes(placements: Placements): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();
  const admin = requireScopes(OrderScopes.admin);
  const customerId = (raw: string) => validate(customerParam, { customerId: raw }).customerId;

  routes.get('/cells/placement', admin, (c) => c.json(placements.overview()));

  routes.put('/cells/placement/partitions/:partition', admin, async (c) => {
    const { state } = await readJson(c, partitionStateChangeSchema);
    return c.json(placements.setPartitionState(c.req.param('partition'), state));
  });

  routes.get('/cells/placement/:customerId', admin, (c) => {
    const id = customerId(c.req.param('customerId'));
    return c.json(placements.customer(readQuery(c, customerPlacementQuerySchema).cell, id));
  });

  routes.put('/cells/placement/:customerId', admin, async (c) => {
    const id = customerId(c.req.param('customerId'));
    const { partition } = await readJson(c, placementOverrideSchema);
    return c.json(placements.override(id, partition));
  });

  return routes;
}
