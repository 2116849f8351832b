import { Hono, type Env as HonoEnv, type MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from './logger.ts';
import { bodyLimit, DEFAULT_BODY_LIMIT } from './body.ts';
import { AppError } from './errors.ts';
import { problemOf, problemResponse, toProblem } from './problem.ts';
import { methodNotAllowed } from './routes-index.ts';
import { serverTelemetry } from './tracing.ts';

export interface ServiceAppOptions {
  logger: Logger;
  /** Largest accepted request body; larger ones get 413. `null` for gateways, which stream bodies through. */
  maxBodyBytes?: number | null;
  /** Extra readiness check for /readyz (database open, NATS connected…). */
  isReady?: () => boolean;
  /** Serves the public internet (gateway-global): callers' trace context and baggage are not continued. */
  publicEdge?: boolean;
  /**
   * Deny by default: when given, every request goes through this check (a service's: its cell gateway's
   * internal token) before any route sees it, whatever its path, except `/healthz`, `/readyz` and
   * `openPaths`. A route added under a new prefix is thus checked without anyone listing it. Gateways,
   * which check tokens per route themselves, leave it out.
   */
  authenticate?: MiddlewareHandler;
  /** Exact paths served without `authenticate` besides `/healthz` and `/readyz`. */
  openPaths?: readonly string[];
}

/** Served without `authenticate`: the runner's, compose's and the cell gateway's probes. */
export const ALWAYS_OPEN_PATHS = ['/healthz', '/readyz'] as const;

const guarded = new WeakSet<object>();

/** Whether the app was built with `authenticate`, so that no route of it is served without the check. */
export const requiresAuthentication = (app: object): boolean => guarded.has(app);

export type ServiceRequest = HonoEnv & { Variables: { requestId: string; bodyLimit?: number } };

/**
 * The common frame of every HTTP process: request ids, body limit, health endpoints and the
 * central problem+json mapping for errors, unknown routes (404) and wrong methods (405).
 * Routes are added by the caller; this never listens and never reads the environment.
 */
export function createServiceApp<E extends ServiceRequest = ServiceRequest>(options: ServiceAppOptions): Hono<E> {
  const { logger, maxBodyBytes = DEFAULT_BODY_LIMIT, isReady = () => true } = options;
  const app = new Hono<E>();

  app.use(serverTelemetry({ publicEdge: options.publicEdge }));
  app.use(requestId());
  if (options.authenticate) {
    const check = options.authenticate;
    const open = new Set<string>([...ALWAYS_OPEN_PATHS, ...(options.openPaths ?? [])]);
    // Registered before any route, so it runs first for every path the app will ever serve.
    app.use((c, next) => (open.has(c.req.path) ? next() : check(c, next)));
    guarded.add(app);
  }
  if (maxBodyBytes !== null) app.use(bodyLimit(maxBodyBytes));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => (isReady() ? c.json({ status: 'ready' }) : c.json({ status: 'starting' }, 503)));

  app.notFound((c) => {
    const allowed = methodNotAllowed(app, c.req.method, c.req.path);
    if (allowed.length > 0) {
      return problemResponse(problemOf(405, { detail: `Use ${allowed.join(', ')}.`, instance: c.req.path }), {
        allow: allowed.join(', '),
      });
    }
    return problemResponse(problemOf(404, { detail: `No route for ${c.req.path}.`, instance: c.req.path }));
  });

  app.onError((error, c) => {
    const problem = toProblem(error, c.req.path);
    if (problem.status >= 500) logger.error({ err: error, path: c.req.path, requestId: c.get('requestId') }, 'request failed');
    const headers: Record<string, string> = error instanceof AppError ? { ...error.headers } : {};
    if ('retryAfterSeconds' in error) headers['retry-after'] = String(error.retryAfterSeconds);
    return problemResponse(problem, headers);
  });

  return app;
}
