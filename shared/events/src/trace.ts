import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';

/** The active trace context as W3C headers (traceparent, tracestate), to carry across NATS. */
export function currentTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The trace context carried by a message's headers (no active span: a message starts from its own parent). */
export function contextFromHeaders(get: (key: string) => string | undefined): Context {
  return propagation.extract(
    ROOT_CONTEXT,
    {},
    {
      get: (_carrier, key) => get(key),
      keys: () => ['traceparent', 'tracestate'],
    },
  );
}
