import { Hono } from 'hono';
import { requireScopes, type AuthedRequest } from '@retail/auth';
import { readJson } from '@retail/kernel';
import { assignmentRequestSchema, PlacementScopes } from '@retail/placement-contract';
import type { Placements } from '../placements.ts';

/** Whether an If-None-Match header (a list of entity tags, or `*`) matches `etag` (weak comparison, RFC 9110). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** What the cell router (gateway-global) reads and writes: the whole map, and first-use assignments. */
export function mapRoutes(placements: Placements): Hono<AuthedRequest> {
  const routes = new Hono<AuthedRequest>();

  routes.get('/placement/map', requireScopes(PlacementScopes.read), (c) => {
    // The version alone answers a router whose copy is current: no map is built for a 304.
    const current = `"${placements.version()}"`;
    const headers = { etag: current, 'cache-control': 'no-cache' };
    if (matches(c.req.header('if-none-match'), current)) return c.body(null, 304, headers);
    const map = placements.map();
    return c.json(map, 200, { ...headers, etag: `"${map.version}"` });
  });

  routes.post('/placement/assignments', requireScopes(PlacementScopes.assign), async (c) => {
    const { cell, customerId } = await readJson(c, assignmentRequestSchema);
    const { placement, created } = placements.assign(cell, customerId);
    return c.json(placement, created ? 201 : 200);
  });

  return routes;
}
