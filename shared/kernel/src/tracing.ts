import { context, metrics, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { nodeBindings } from './node-bindings.ts';

const tracer = trace.getTracer('@retail/kernel');
const duration = metrics.getMeter('@retail/kernel').createHistogram('http.server.request.duration', {
  unit: 's',
  description: 'HTTP requests by method, route and status: rate (count), errors and latency',
});

/** Probes, and the OTLP exports a cell gateway relays (trace-relay.ts): tracing those would only trace tracing. */
const UNTRACED = new Set(['/healthz', '/readyz', '/v1/traces']);

/**
 * The HTTP server span and metrics of every process, as the first middleware of the Hono app: the span
 * continues the caller's W3C trace context, is named after the route that answers
 * (`POST /internal/orders/:id/transitions`), and is the active span while the request is handled (so
 * logs, client calls and outbox events join the trace). Doing this here rather than with the generic
 * node:http instrumentation halves what tracing costs a request.
 *
 * At the public edge (`publicEdge`) the caller's context is not believed: every request starts a trace of
 * its own (the caller's span is kept as a link, for whoever wants to join the two), and the caller's
 * baggage is dropped, so that nobody outside picks trace ids, sampling or baggage for the system.
 */
export function serverTelemetry(options: { publicEdge?: boolean } = {}): MiddlewareHandler {
  const { publicEdge = false } = options;
  return async (c, next) => {
    if (UNTRACED.has(c.req.path)) return next();
    const started = performance.now();
    const method = c.req.method;
    const route = routePath(c, -1);
    const named = route && route !== '*' && route !== '/*' ? route : undefined;
    // The Node request's header object: asking for c.req.raw.headers would build a Headers copy per request.
    const { incoming } = nodeBindings(c);
    const callers = incoming
      ? propagation.extract(ROOT_CONTEXT, incoming.headers)
      : propagation.extract(ROOT_CONTEXT, c.req.raw.headers, webHeaders);
    const callersSpan = publicEdge ? trace.getSpanContext(callers) : undefined;
    const parent = publicEdge ? ROOT_CONTEXT : callers;
    const span = tracer.startSpan(
      named ? `${method} ${named}` : method,
      {
        kind: SpanKind.SERVER,
        root: publicEdge,
        links: callersSpan && trace.isSpanContextValid(callersSpan) ? [{ context: callersSpan }] : undefined,
        attributes: { 'http.request.method': method, 'url.path': c.req.path, ...(named ? { 'http.route': named } : {}) },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      // A gateway's fast path writes the upstream's answer straight to the Node response.
      const { outgoing } = nodeBindings(c);
      const status = outgoing?.headersSent ? outgoing.statusCode : c.res.status;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      duration.record((performance.now() - started) / 1000, {
        'http.request.method': method,
        'http.route': named ?? 'unmatched',
        'http.response.status_code': status,
        ...(status >= 500 ? { 'error.type': String(status) } : {}),
      });
    }
  };
}

/** For apps served without Node's objects (app.request() in tests). */
const webHeaders = {
  get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
  keys: (headers: Headers) => [...headers.keys()],
};
