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

/** Spans counted without parsing: each has one "spanId" (parents are "parentSpanId"). */
function jsonSpans(body: Buffer): number {
  let spans = 0;
  for (let at = body.indexOf(SPAN_ID); at !== -1; at = body.indexOf(SPAN_ID, at + SPAN_ID.length)) spans++;
  return spans;
}

/**
 * Spans in an OTLP protobuf ExportTraceServiceRequest, by walking the wire format only as deep as
 * resource_spans (1) → scope_spans (2) → spans (2), without decoding a span.
 */
function protobufSpans(body: Buffer): number {
  let spans = 0;
  for (const resourceSpans of lengthDelimited(body, 0, body.length, 1)) {
    for (const scopeSpans of lengthDelimited(body, resourceSpans.start, resourceSpans.end, 2)) {
      for (const _ of lengthDelimited(body, scopeSpans.start, scopeSpans.end, 2)) spans++;
    }
  }
  return spans;
}

/** The length-delimited fields numbered `field` in buf[start, end), skipping every other field. */
function* lengthDelimited(buf: Buffer, start: number, end: number, field: number): Generator<{ start: number; end: number }> {
  let at = start;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = buf[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < end) {
    const key = varint();
    const wire = key % 8;
    if (wire === 2) {
      const length = varint();
      if (Math.floor(key / 8) === field) yield { start: at, end: at + length };
      at += length;
    } else if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else return; // groups (3, 4) are not used by OTLP
  }
}

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
        counts.spans += req.headers['content-type']?.includes('json') ? jsonSpans(body) : protobufSpans(body);
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
