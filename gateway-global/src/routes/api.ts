import { Hono } from 'hono';
import { NotFoundError } from '@retail/kernel';
import type { Forwarder } from '@retail/gateway';
import type { GatewayRequest } from '../gateway-request.ts';
import { buildCellRouteTable, type CellGatewayTarget } from '../edge/cell-routes.ts';

export interface ApiRouteDeps {
  cellGateways: readonly CellGatewayTarget[];
  forwarder: Forwarder;
}

const API_PREFIX = '/api';

/**
 * `/api/<segment>/…` → the gateway of the cell that declares `<segment>`, with `/api` stripped and the
 * query kept. The caller's Authorization header passes untouched: the cell gateway verifies it.
 */
export function apiRoutes(deps: ApiRouteDeps): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const table = buildCellRouteTable(deps.cellGateways);

  app.all(`${API_PREFIX}/*`, (c) => {
    const url = c.req.url;
    // The raw path and query, as the caller encoded them.
    const upstreamPath = url.slice(url.indexOf('/', url.indexOf('//') + 2) + API_PREFIX.length);
    const segment = /^\/([^/?]+)/.exec(upstreamPath)?.[1];
    const route = segment === undefined ? undefined : table.get(segment);
    if (!route) throw new NotFoundError(`No cell serves ${API_PREFIX}/${segment ?? ''}.`);
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
