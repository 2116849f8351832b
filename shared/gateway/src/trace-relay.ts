import type { Hono } from 'hono';
import type { ServiceRequest } from '@retail/kernel';
import { createForwarder } from './forwarder.ts';

/** An OTLP export batch (up to 512 spans) can pass the 64 KiB that API bodies are held to. */
const MAX_EXPORT_BYTES = 4 * 1024 * 1024;
export const OTLP_TRACES_PATH = '/v1/traces';

/**
 * The cell's spans leave through its gateway, like everything else that leaves the cell: a component
 * exports OTLP to its cell gateway, which passes each batch on to the trace collector unread. The
 * collector then needs no route into any cell's networks, and no cell can reach the collector's
 * unauthenticated query API (compose puts it on a network with the gateways only).
 */
export function traceRelayRoute(app: Hono<ServiceRequest>, collectorUrl: string) {
  const forwarder = createForwarder({ maxBodyBytes: MAX_EXPORT_BYTES });
  const origin = new URL(collectorUrl).origin;
  app.post(OTLP_TRACES_PATH, (c) => forwarder.forward(c, { origin, path: OTLP_TRACES_PATH, headers: {}, name: 'The trace collector' }));
  return forwarder;
}
