// A process shaped like every service here: telemetry first, then the kernel's Hono app on
// @hono/node-server (ES modules throughout), which calls itself once through undici.
import { startTelemetry } from '../src/index.ts';

const telemetry = startTelemetry({ serviceName: 'esm-probe', cell: 'test' });
const { createLogger, createServiceApp, serveApp } = await import('@retail/kernel');
const { request } = await import('undici');
const logger = createLogger({ name: 'esm-probe', level: 'warn' });
const app = createServiceApp({ logger }).get('/hello/:name', (c) => c.text(`hello ${c.req.param('name')}`));
const server = await serveApp({ app, port: 0, hostname: '127.0.0.1', logger });
await (await request(`http://127.0.0.1:${server.port}/hello/otel`)).body.text();
await server.close();
await telemetry.shutdown();
