import { Hono } from 'hono';
import { bearerToken, type TokenVerifier } from '@retail/auth';
import { ForbiddenError, NotFoundError } from '@retail/kernel';
import type { Forwarder } from '@retail/gateway';
import type { GatewayRequest } from '../gateway-request.ts';
import { buildCellRouteTable, type CellGatewayTarget, type CellRoute } from '../edge/cell-routes.ts';
import { OPERATOR_SCOPE } from '../oauth/scopes.ts';
import { createCellRouter, type CellRouter } from '../router/cell-router.ts';
import type { PlacementCache } from '../router/placement-cache.ts';
import { routeCallerRules } from './route-callers.ts';

export interface ApiRouteDeps {
  cellGateways: readonly CellGatewayTarget[];
  forwarder: Forwarder;
  /** This token service's own tokens (memoised: the rate limiter has usually verified the same token). */
  verifyToken: TokenVerifier;
  /** The local placement map: needed when a cell runs as partitions (its targets are its partitions). */
  placement?: PlacementCache;
}

const API_PREFIX = '/api';

/**
 * `/api/<segment>/…` → the gateway of the cell that declares `<segment>`, with `/api` stripped and the
 * query kept. The caller's Authorization header passes untouched: the cell gateway verifies it too.
 * The public edge serves people: routes a descriptor declares for other cells are not served here
 * (404, as for any path no cell serves), and a client-credentials token is refused (403) on every
 * route that needs a token. A partitioned cell's requests go through its cell router, which picks the
 * caller's partition (router/cell-router.ts).
 */
export function apiRoutes(deps: ApiRouteDeps): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const table = buildCellRouteTable(deps.cellGateways);
  const routers = cellRouters(table, deps);
  // The partitions of a cell share its routes: one descriptor per cell.
  const cells = new Map(deps.cellGateways.map(({ cell }) => [cell.name, cell]));
  const callers = routeCallerRules([...cells.values()]);

  app.all(`${API_PREFIX}/*`, async (c) => {
    const url = c.req.url;
    // The raw path and query, as the caller encoded them.
    const upstreamPath = url.slice(url.indexOf('/', url.indexOf('//') + 2) + API_PREFIX.length);
    const segment = /^\/([^/?]+)/.exec(upstreamPath)?.[1];
    const route = segment === undefined ? undefined : table.get(segment);
    const path = upstreamPath.split('?', 1)[0]!;
    if (!route || callers.forCells(segment!, c.req.method, path)) throw new NotFoundError(`No cell serves ${API_PREFIX}/${segment ?? ''}.`);
    const token = bearerToken(c.req.header('authorization'));
    const principal = token === undefined ? undefined : await deps.verifyToken(token);
    if (principal?.clientId !== undefined && !callers.isPublic(segment!, c.req.method, path))
      throw new ForbiddenError('Client-credentials tokens are for calls between cells, not for the public API.');
    if (route.kind === 'partitioned') return routers.get(route.cell)!.forward(c, principal, upstreamPath);
    return deps.forwarder.forward(c, {
      origin: route.origin,
      pool: route.pool,
      path: upstreamPath,
      headers: {},
      name: `The ${route.cell} cell`,
      locationPrefix: API_PREFIX,
    });
  });

  return app;
}

/** One cell router per partitioned cell of the table. */
function cellRouters(table: ReadonlyMap<string, CellRoute>, deps: ApiRouteDeps): Map<string, CellRouter> {
  const routers = new Map<string, CellRouter>();
  for (const route of table.values()) {
    if (route.kind !== 'partitioned' || routers.has(route.cell)) continue;
    if (!deps.placement)
      throw new Error(`the ${route.cell} cell runs as partitions: gateway-global needs the placement map to route to them`);
    routers.set(
      route.cell,
      createCellRouter({
        cell: route.descriptor,
        partitions: route.partitions,
        pools: route.pools,
        placement: deps.placement,
        forwarder: deps.forwarder,
        operatorScope: OPERATOR_SCOPE,
        locationPrefix: API_PREFIX,
      }),
    );
  }
  return routers;
}
