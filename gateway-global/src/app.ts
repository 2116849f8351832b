import { traceIdHeader } from './edge/trace-id.ts';
import type { Hono } from 'hono';
import { cells } from '@retail/topology';
import type { KeyStore } from '@retail/auth';
import { rateLimit, type Forwarder, type RateLimitSettings } from '@retail/gateway';
import { createServiceApp, type Logger } from '@retail/kernel';
import type { GatewayRequest } from './gateway-request.ts';
import type { CellGatewayTarget } from './edge/cell-routes.ts';
import { storefrontCors } from './edge/cors.ts';
import { DEFAULT_LOGIN_SETTINGS, type LoginThrottleSettings } from './oauth/login-throttle.ts';
import type { ClientDirectory } from './oauth/machine-clients.ts';
import { createPasswordChecks } from './oauth/password-checks.ts';
import { ADMIN_SCOPES } from './oauth/scopes.ts';
import { createApiTokenVerifier } from './oauth/token-profile.ts';
import type { UserDirectory } from './oauth/user-directory.ts';
import type { EventFeed } from './console/event-feed.ts';
import type { PlacementCache } from './router/placement-cache.ts';
import { apiRoutes } from './routes/api.ts';
import { consoleRoutes, type ConsoleRouteDeps } from './routes/console.ts';
import { discoveryRoutes } from './routes/discovery.ts';
import { docsRoutes } from './routes/docs.ts';
import { keyRoutes } from './routes/keys.ts';
import { problemRoutes } from './routes/problems.ts';
import { registerRoutes } from './routes/register.ts';
import { storefrontRoutes } from './routes/storefront.ts';
import { tokenRoutes } from './routes/token.ts';

export interface GatewayDeps {
  logger: Logger;
  /** Signing keys of the token service (ES256); their public halves are the JWKS. */
  keys: KeyStore;
  /** `iss` of issued tokens and base of the discovery URLs, e.g. `http://127.0.0.1:8080`. */
  issuer: string;
  tokenTtlSeconds: number;
  users: UserDirectory;
  clients: ClientDirectory;
  /** Every running cell (each partition of a partitioned cell) and the URL of its gateway; `/api/<prefix>` routing is derived from their descriptors. */
  cellGateways: readonly CellGatewayTarget[];
  forwarder: Forwarder;
  /** The cell router's local copy of the placement map; needed when `cellGateways` holds partitions. */
  placement?: PlacementCache;
  rateLimit: RateLimitSettings;
  /** Password guessing at the token endpoint: locks per account and client, password checks at once. */
  login?: LoginThrottleSettings & { concurrentPasswordChecks: number };
  /** Customer sign-ups (`POST /auth/register`) per minute per client address; 0 turns the limit off. Default 5. */
  signUpsPerMinute?: number;
  /** Browser origins allowed to call the API (the storefront). */
  corsOrigins: readonly string[];
  /** Clock for the rate limiter. */
  now?: () => number;
  /** The storefront's static files, served at `/`; without it only the API, tokens and console are served. */
  storefrontDir?: string;
  /** The operator console's live events (from NATS); without it the console says there is no feed. */
  eventFeed?: EventFeed;
  /** How long the console waits for a cell gateway's health answer. */
  healthTimeoutMs?: number;
  /** The registry as gateway-global sees it: the console lists the live instances and their configuration. */
  registry?: ConsoleRouteDeps['registry'];
}

const DEFAULT_SIGN_UPS_PER_MINUTE = 5;

/** The global gateway: token service and sign-up, discovery, key rotation, `/api` routing to cell gateways, the console and the storefront. */
export function createApp(deps: GatewayDeps): Hono<GatewayRequest> {
  // Bodies under /api are streamed through to the cells; /auth/token and /auth/register limit their own.
  // The public edge: a caller's traceparent and baggage are not continued (see serverTelemetry).
  const app = createServiceApp<GatewayRequest>({ logger: deps.logger, maxBodyBytes: null, publicEdge: true });
  const verifyToken = createApiTokenVerifier(deps.keys, deps.issuer);

  app.use(storefrontCors(deps.corsOrigins));
  app.use(traceIdHeader);
  // Always in place: a limit of 0 per second lets everything through, and a live change may set one.
  // Every answer says what is left of the caller's quota (RateLimit, RateLimit-Policy).
  app.use(
    rateLimit({ ...deps.rateLimit, live: deps.rateLimit.live ?? deps.rateLimit, verifyToken, now: deps.now, headersOnEveryAnswer: true }),
  );

  const routeScopes = deps.cellGateways.flatMap(({ cell }) => cell.routes.flatMap((r) => r.scopes ?? []));
  // Sign-up hashes passwords too: both count against one limit on password checks at once.
  const passwordChecks = createPasswordChecks((deps.login ?? DEFAULT_LOGIN_SETTINGS).concurrentPasswordChecks);
  app.route('/', tokenRoutes({ ...deps, passwordChecks }));
  app.route('/', registerRoutes({ ...deps, passwordChecks, signUpsPerMinute: deps.signUpsPerMinute ?? DEFAULT_SIGN_UPS_PER_MINUTE }));
  app.route(
    '/',
    discoveryRoutes({ keys: deps.keys, issuer: deps.issuer, scopesSupported: [...new Set([...ADMIN_SCOPES, ...routeScopes])] }),
  );
  app.route('/', keyRoutes({ keys: deps.keys, verifyToken, logger: deps.logger }));
  // Before the cells' routes: /api/openapi.json and /api/docs are gateway-global's own.
  app.route('/', docsRoutes({ cells }));
  app.route('/', problemRoutes());
  app.route('/', apiRoutes({ ...deps, verifyToken }));
  app.route('/', consoleRoutes({ ...deps, verifyToken }));
  // Last: the storefront answers only what nothing above claimed.
  if (deps.storefrontDir) app.route('/', storefrontRoutes({ storefrontDir: deps.storefrontDir }));
  return app;
}
