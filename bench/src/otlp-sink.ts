import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSink {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** What arrived since the last reset. */
  counts(): { traceExports: number; spans: number; metricExports: number; bytes: number };
  reset(): void;
  close(): Promise<void>;
}

const SPAN_ID = '"spanId"';

/**
 * A stand-in OTLP/HTTP collector: accepts POST /v1/traces and /v1/metrics (JSON), counts what came and
 * throws it away, so the cost measured is the services' own (instrumentation, batching, export).
 * Not @retail/testing's startOtlpReceiver: that one parses and keeps every span for assertions, which
 * under load would spend the CPU the system under test shares with the bench, and grow without bound.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  let counts = { traceExports: 0, spans: 0, metricExports: 0, bytes: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      counts.bytes += body.length;
      if (req.method === 'POST' && req.url === '/v1/traces') {
        counts.traceExports++;
        // Spans counted without parsing: each has one "spanId" (parents are "parentSpanId").
        for (let at = body.indexOf(SPAN_ID); at !== -1; at = body.indexOf(SPAN_ID, at + SPAN_ID.length)) counts.spans++;
      } else if (req.method === 'POST' && req.url === '/v1/metrics') {
        counts.metricExports++;
      } else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts = { traceExports: 0, spans: 0, metricExports: 0, bytes: 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
