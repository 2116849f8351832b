import { connectCellBus } from '@retail/events';
import { cellWorkloadTokens, createCircuitBreaker, createHttpClient } from '@retail/http-client';
import { inventoryCell } from '@retail/inventory-contract';
import { createLogger, runMain, serveApp } from '@retail/kernel';
import type { Telemetry } from '@retail/telemetry';
import { createApp } from './app.ts';
import { loadEnv } from './env.ts';
import { startAllocationConsumers } from './events/consumers.ts';
import { allocationHandlers } from './events/handlers.ts';
import { createStockCommands } from './stock-commands.ts';

/** Composition root: env → stock client → NATS consumers (ORDERS, SHIPPING) → HTTP health; torn down in reverse. */
export function start(telemetry: Telemetry): void {
  runMain(async () => {
    const env = loadEnv();
    const logger = createLogger({ name: 'inventory-allocation', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: 'inventory', component: 'allocation' } });
    const http = createHttpClient({
      baseUrl: env.STOCK_URL,
      name: 'inventory stock',
      breaker: createCircuitBreaker({ name: 'inventory stock' }),
      token: cellWorkloadTokens({ cellGatewayUrl: env.CELL_GATEWAY_URL, component: 'allocation', cellSecret: env.CELL_SECRET }),
    });
    const bus = await connectCellBus({ cell: inventoryCell, component: 'allocation', env, logger });
    const consumers = startAllocationConsumers({ bus, handlers: allocationHandlers(createStockCommands(http), logger), logger });
    await serveApp({
      app: createApp({ logger, isReady: bus.isConnected }),
      port: env.PORT,
      hostname: env.HOST,
      logger,
      onShutdown: [telemetry.shutdown, http.close, bus.close, ...consumers.map((c) => c.stop)],
    });
  });
}
