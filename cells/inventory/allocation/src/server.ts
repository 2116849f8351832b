import { connectCellBus, startComponentConsumers } from '@retail/events';
import { cellWorkloadTokens, createCircuitBreaker, createHttpClient } from '@retail/http-client';
import type { CellServiceContext, ComposedService } from '@retail/service/compose';
import { createApp } from './app.ts';
import { type Env, loadEnv } from './env.ts';
import { ALLOCATION_MAX_DELIVER, allocationHandlers } from './events/handlers.ts';
import { createStockCommands } from './stock-commands.ts';

export { loadEnv };

/** Composition root: stock client → NATS consumers (ORDERS, SHIPPING) → HTTP health. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { cell, env, logger, platform } = context;
  const breaker = createCircuitBreaker({
    name: 'inventory stock',
    failureThreshold: env.BREAKER_FAILURES,
    resetAfterMs: env.BREAKER_RESET_MS,
  });
  const http = createHttpClient({
    pool: platform.pool({ name: 'inventory stock', cell: cell.name, component: 'stock', fallback: env.STOCK_URL }),
    name: 'inventory stock',
    breaker,
    token: cellWorkloadTokens({ cellGatewayUrl: env.CELL_GATEWAY_URL, component: context.component, workloadSecret: env.WORKLOAD_SECRET }),
  });
  const bus = await connectCellBus(context);
  // One durable consumer per stream it reads (ORDERS, SHIPPING), dead letters to inventory.dlq.allocation.
  const handlers = allocationHandlers(createStockCommands(http), logger);
  const consumers = startComponentConsumers({ ...context, bus, handlers, maxDeliver: ALLOCATION_MAX_DELIVER });
  return {
    app: createApp({ logger, verifyToken: context.verifyToken, isReady: bus.isConnected }),
    live: {
      BREAKER_FAILURES: { initial: env.BREAKER_FAILURES, apply: (v) => breaker.configure({ failureThreshold: Number(v) }) },
      BREAKER_RESET_MS: { initial: env.BREAKER_RESET_MS, apply: (v) => breaker.configure({ resetAfterMs: Number(v) }) },
    },
    resources: [http.close, bus.close, ...consumers.map((c) => c.stop)],
  };
}
