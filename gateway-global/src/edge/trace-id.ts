import { trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';

/**
 * `X-Trace-Id` on every traced answer: the id under which the request — an order placement with all of
 * its saga — can be opened in Jaeger (http://localhost:16686/trace/<id>).
 */
export const traceIdHeader: MiddlewareHandler = (c, next) => {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) c.header('x-trace-id', span.spanContext().traceId);
  return next();
};
