import { expect, it } from 'vitest';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { redactPath, redactQuery, UrlRedactingProcessor } from './redact.ts';

it('keeps the shape of a path and drops the ids in it', () => {
  expect(redactPath('/api/orders')).toBe('/api/orders');
  expect(redactPath('/internal/orders/0f8c2a51-7c1e-4b55-9d0e-1f6a3e2b9c10/transitions')).toBe('/internal/orders/:id/transitions');
  expect(redactPath('/products/SKU-1')).toBe('/products/:id');
  expect(redactPath('/.well-known/jwks.json')).toBe('/.well-known/jwks.json');
});

it('keeps the names of query parameters, never their values', () => {
  expect(redactQuery('?customerId=user-alice&idempotencyKey=k-123&requestHash=abc')).toBe('?customerId=…&idempotencyKey=…&requestHash=…');
  expect(redactQuery('')).toBe('');
});

it('redacts the URL attributes of every span before it is exported', async () => {
  const exporter = new InMemorySpanExporter();
  const exporting = new SimpleSpanProcessor({ exporter });
  const provider = new TracerProvider({ spanProcessors: [new UrlRedactingProcessor(), exporting] });
  const span = provider.getTracer('t').startSpan('GET', {
    attributes: {
      'url.full': 'http://127.0.0.1:4200/internal/placements?customerId=user-alice&idempotencyKey=key-42',
      'url.path': '/internal/placements',
      'url.query': '?customerId=user-alice&idempotencyKey=key-42',
      'http.route': '/internal/placements',
    },
  });
  span.end();
  await exporting.forceFlush();
  const attributes = exporter.getFinishedSpans()[0]!.attributes;
  expect(JSON.stringify(attributes)).not.toMatch(/user-alice|key-42/);
  expect(attributes['url.full']).toBe('http://127.0.0.1:4200/internal/placements?customerId=…&idempotencyKey=…');
  expect(attributes['http.route']).toBe('/internal/placements');
});
