import { Hono } from 'hono';
import { bearerToken, type TokenVerifier } from '@retail/auth';
import { ForbiddenError, NotFoundError } from '@retail/kernel';
import type { Forwarder } from '@retail/gateway';
import type { GatewayRequest } from '../gateway-request.ts';
import { buildCellRouteTable, type CellGatewayTarget } from '../edge/cell-routes.ts';
import { routeCallerRules } from './route-callers.ts';

export interface ApiRouteDeps {
  cellGateways: readonly CellGatewayTarget[];
  forwarder: Forwarder;
  /** This token service's own tokens (memoised: the rate limiter has usually verified the same token). */
  verifyToken: TokenVerifier;
}

const API_PREFIX = '/api';

/**
 * `/api/<segment>/…` → the gateway of the cell that declares `<segment>`, with `/api` stripped and the
 * query kept. The caller's Authorization header passes untouched: the cell gateway verifies it too.
 * The public edge serves people: routes a descriptor declares for other cells are not served here
 * (404, as for any path no cell serves), and a client-credentials token is refused (403) on every
 * route that needs a token.
 */
export function apiRoutes(deps: ApiRouteDeps): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const table = buildCellRouteTable(deps.cellGateways);
  const callers = routeCallerRules(deps.cellGateways.map((target) => target.cell));

  app.all(`${API_PREFIX}/*`, async (c) => {
    const url = c.req.url;
    // The raw path and query, as the caller encoded them.
    const upstreamPath = url.slice(url.indexOf('/', url.indexOf('//') + 2) + API_PREFIX.length);
    const segment = /^\/([^/?]+)/.exec(upstreamPath)?.[1];
    const route = segment === undefined ? undefined : table.get(segment);
    const path = upstreamPath.split('?', 1)[0]!;
    if (!route || callers.forCells(segment!, c.req.method, path)) throw new NotFoundError(`No cell serves ${API_PREFIX}/${segment ?? ''}.`);
    const token = bearerToken(c.req.header('authorization'));
    if (token && (await deps.verifyToken(token)).clientId !== undefined && !callers.isPublic(segment!, c.req.method, path))
      throw new ForbiddenError('Client-credentials tokens are for calls between cells, not for the public API.');
    return deps.forwarder.forward(c, {
      origin: route.origin,
      path: upstreamPath,
      headers: {},
      name: `The ${route.cell} cell`,
      locationPrefix: API_PREFIX,
    });
  });

  return app;
}
