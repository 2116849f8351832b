import { connectCellBus, startComponentConsumers } from '@retail/events';
import { cellWorkloadTokens, createHttpClient } from '@retail/http-client';
import { createLogger, runMain, serveApp } from '@retail/kernel';
import { shippingCell } from '@retail/shipping-contract';
import type { Telemetry } from '@retail/telemetry';
import { createApp } from './app.ts';
import { loadEnv } from './env.ts';
import { fulfillmentHandlers } from './handlers.ts';

/** Composition root: env → NATS (own stream for dead letters) → shipments client → consumer → HTTP; torn down in reverse. */
export function start(telemetry: Telemetry): void {
  runMain(async () => {
    const env = loadEnv();
    const logger = createLogger({ name: 'shipping-fulfillment', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: 'shipping', component: 'fulfillment' } });
    const bus = await connectCellBus({ cell: shippingCell, component: 'fulfillment', env, logger });
    const shipments = createHttpClient({
      baseUrl: env.SHIPMENTS_URL,
      name: 'shipping shipments',
      token: cellWorkloadTokens({ cellGatewayUrl: env.CELL_GATEWAY_URL, component: 'fulfillment', cellSecret: env.CELL_SECRET }),
    });
    const consumers = startComponentConsumers({ bus, cell: shippingCell, component: 'fulfillment', handlers: fulfillmentHandlers({ shipments, logger }), logger });
    const app = createApp({ logger, isReady: bus.isConnected });
    await serveApp({
      app,
      port: env.PORT,
      hostname: env.HOST,
      logger,
      onShutdown: [telemetry.shutdown, bus.close, shipments.close, ...consumers.map((c) => c.stop)],
    });
  });
}
