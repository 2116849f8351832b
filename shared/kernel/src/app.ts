import { Hono, type Env as HonoEnv } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from './logger.ts';
import { bodyLimit, DEFAULT_BODY_LIMIT } from './body.ts';
import { problemResponse, toProblem } from './problem.ts';
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
}

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
  if (maxBodyBytes !== null) app.use(bodyLimit(maxBodyBytes));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => (isReady() ? c.json({ status: 'ready' }) : c.json({ status: 'starting' }, 503)));

  app.notFound((c) => {
    const allowed = methodNotAllowed(app, c.req.method, c.req.path);
    if (allowed.length > 0) {
      return problemResponse(
        { type: 'about:blank', title: 'Method not allowed', status: 405, detail: `Use ${allowed.join(', ')}.`, instance: c.req.path },
        { allow: allowed.join(', ') },
      );
    }
    return problemResponse({
      type: 'about:blank',
      title: 'Not found',
      status: 404,
      detail: `No route for ${c.req.path}.`,
      instance: c.req.path,
    });
  });

  app.onError((error, c) => {
    const problem = toProblem(error, c.req.path);
    if (problem.status >= 500) logger.error({ err: error, path: c.req.path, requestId: c.get('requestId') }, 'request failed');
    const headers: Record<string, string> = {};
    if ('retryAfterSeconds' in error) headers['retry-after'] = String(error.retryAfterSeconds);
    return problemResponse(problem, headers);
  });

  return app;
}
