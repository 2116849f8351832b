import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '@retail/testing';

let otlp: OtlpReceiver;
beforeAll(async () => {
  otlp = await startOtlpReceiver();
});
afterAll(() => otlp.close());

// A real process exporting over OTLP: the kernel's server span continues the undici client span's trace.
it('produces HTTP server and client spans in an ES-module process, the server span a child of the client span', async () => {
  const probe = fileURLToPath(new URL('../test/esm-server.ts', import.meta.url));
  await promisify(execFile)(process.execPath, [probe], {
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SDK_DISABLED: 'false' },
    timeout: 20_000,
  });
  const server = otlp.spans.find((s) => s.kind === 2 && s.name === 'GET /hello/:name' && s.attributes['url.path'] === '/hello/otel');
  const client = otlp.spans.find((s) => s.kind === 3);
  expect(server, 'a server span').toBeDefined();
  expect(client, 'an undici client span').toBeDefined();
  expect(server!.traceId).toBe(client!.traceId);
  expect(server!.parentSpanId).toBe(client!.spanId);
  expect(server!.resource).toMatchObject({ 'service.name': 'esm-probe', 'service.namespace': 'test', 'cell.name': 'test' });
});
