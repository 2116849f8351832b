import type { Hono } from 'hono';
import { bearerToken, hasScopes, tokenExpiry, type KeyStore, type Principal, type TokenVerifier } from '@retail/auth';
import { createServiceApp, ForbiddenError, UnauthorizedError, type Logger, type ServiceRequest } from '@retail/kernel';
import { cellOpenApi } from '@retail/contracts';
import { routeCallers, type CellDescriptor, type RouteDescriptor } from '@retail/descriptor';
import type { Pool } from '@retail/http-client';
import type { Forwarder } from './forwarder.ts';
import { cellHealthRoute } from './cell-health.ts';
import { createInternalTokenMinter } from './internal-tokens.ts';
import { workloadTokenRoute } from './workload-tokens.ts';
import { rateLimit, type RateLimitSettings } from './rate-limit.ts';

export interface CellGatewayDeps {
  cell: CellDescriptor;
  logger: Logger;
  /** Verifies tokens issued by gateway-global's token service (issuer, audience, algorithm pinned). */
  verifyToken: TokenVerifier;
  /** The cell's own signing keys for internal tokens; their public half is served at /.well-known/jwks.json. */
  internalKeys: KeyStore;
  /** Where each component listens, by component name (its configured URL). */
  upstreams: Record<string, string>;
  /** Each component's instances from the registry, balanced; without, its configured URL alone. */
  pools?: Record<string, Pool>;
  forwarder: Forwarder;
  /** Each component's own credential, by component name, to obtain its workload tokens (POST /internal/token). */
  workloadSecrets: Readonly<Record<string, string>>;
  /** How long `/health/cell` waits for each component's `/readyz`. */
  healthTimeoutMs?: number;
  /** Per-client limits at the cell's edge; off without it or at 0 per second. */
  rateLimit?: RateLimitSettings;
}

const ANONYMOUS: Principal = { sub: 'anonymous', scopes: [] };

/**
 * The cell's edge: the only way into the cell over HTTP. For each route of the descriptor it verifies
 * the caller's JWT itself, enforces the route's scopes, swaps the token for a cell-internal one and
 * forwards to the component on the fast path.
 */
export function createCellGateway(deps: CellGatewayDeps): Hono<ServiceRequest> {
  const { cell, verifyToken, forwarder, upstreams } = deps;
  const minter = createInternalTokenMinter(cell.name, deps.internalKeys);
  const app = createServiceApp({ logger: deps.logger, maxBodyBytes: null });
  // Always in place: a limit of 0 per second lets everything through, and a live change may set one.
  if (deps.rateLimit) app.use(rateLimit({ ...deps.rateLimit, live: deps.rateLimit.live ?? deps.rateLimit, verifyToken }));

  app.get('/.well-known/jwks.json', (c) => c.json(deps.internalKeys.jwks()));
  // The cell's own OpenAPI document: every route, people's and other cells', generated once from the descriptor.
  let openApi: string | undefined;
  app.get('/openapi.json', (c) => {
    openApi ??= JSON.stringify(cellOpenApi(cell));
    return c.body(openApi, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
  });
  workloadTokenRoute(app, cell, deps.workloadSecrets, minter);
  cellHealthRoute(app, cell, upstreams, deps.healthTimeoutMs, deps.pools);

  const authorize = async (route: RouteDescriptor, authorization: string | undefined): Promise<Principal> => {
    const token = bearerToken(authorization);
    if (!token) {
      if (authorization) throw new UnauthorizedError('Use the Authorization: Bearer <token> scheme.');
      if (route.access === 'public') return ANONYMOUS;
      throw new UnauthorizedError();
    }
    const principal = await verifyToken(token);
    // Machine (client-credentials) tokens are good only on routes declared for other cells, and only they are.
    const machine = principal.clientId !== undefined;
    if (routeCallers(route) === 'cell' && !machine) throw new ForbiddenError('This route is for other cells’ client-credentials tokens.');
    if (routeCallers(route) === 'user' && machine && route.access !== 'public')
      throw new ForbiddenError('A client-credentials token is not accepted here: this route is for people.');
    if (route.scopes && !hasScopes(principal, route.scopes)) throw new ForbiddenError(`Requires scope ${route.scopes.join(' ')}.`);
    return principal;
  };

  for (const route of cell.routes) {
    const origin = upstreams[route.component];
    if (!origin) throw new Error(`${cell.name} gateway: no upstream URL for component ${route.component}`);
    const pool = deps.pools?.[route.component];
    app.on(route.method, route.path, async (c) => {
      const principal = await authorize(route, c.req.header('authorization'));
      const internal = await minter.mint(principal);
      const url = c.req.url;
      const path = url.slice(url.indexOf('/', url.indexOf('//') + 2));
      return forwarder.forward(c, {
        origin,
        pool,
        path,
        headers: { authorization: `Bearer ${internal}` },
        name: `${cell.name} ${route.component}`,
        maxBodyBytes: route.maxBodyBytes,
        // A stream ends when the token it was opened with expires (verified above, read again here).
        endAt: route.stream ? tokenExpiry(c.req.header('authorization')) : undefined,
      });
    });
  }
  return app;
}
