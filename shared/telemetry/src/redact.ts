import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** A path segment that names a thing rather than a route: anything beyond a plain lower-case word. */
const WORD = /^[a-z.][a-z._-]{0,31}$/;

/** `/internal/orders/0f8c…/transitions` → `/internal/orders/:id/transitions`: the route's shape, no ids. */
export function redactPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment === '' || WORD.test(segment) ? segment : ':id'))
    .join('/');
}

/** `?customerId=user-alice&idempotencyKey=k1` → `?customerId=…&idempotencyKey=…`: which parameters, not their values. */
export function redactQuery(query: string): string {
  if (query === '' || query === '?') return query;
  const names = [...new URLSearchParams(query).keys()].map((name) => (/^\w{1,32}$/.test(name) ? name : ':name'));
  return `?${names.map((name) => `${name}=…`).join('&')}`;
}

function redactFullUrl(full: string): string {
  try {
    const url = new URL(full);
    return `${url.origin}${redactPath(url.pathname)}${redactQuery(url.search)}`;
  } catch {
    return ':url';
  }
}

/**
 * Spans leave the process for a collector that many people can read, so the URLs on them keep the
 * route's shape only: ids in paths (orders, customers, idempotency keys) and every query value are
 * replaced before any exporter sees the span. Route templates (`http.route`) are untouched.
 */
export class UrlRedactingProcessor implements SpanProcessor {
  onStart(span: Span): void {
    const { attributes } = span;
    const path = attributes['url.path'];
    const query = attributes['url.query'];
    const full = attributes['url.full'];
    if (typeof path === 'string') span.setAttribute('url.path', redactPath(path));
    if (typeof query === 'string') span.setAttribute('url.query', redactQuery(query));
    if (typeof full === 'string') span.setAttribute('url.full', redactFullUrl(full));
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
