import { connectCellBus, startComponentConsumers } from '@retail/events';
import { cellWorkloadTokens, createHttpClient } from '@retail/http-client';
import type { CellServiceContext, ComposedService } from '@retail/service/compose';
import { createApp } from './app.ts';
import { type Env, loadEnv } from './env.ts';
import { fulfillmentHandlers } from './handlers.ts';

export { loadEnv };

/** Composition root: NATS (own stream for dead letters) → shipments client → consumer → HTTP health. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { cell, env, logger, platform } = context;
  const bus = await connectCellBus(context);
  const shipments = createHttpClient({
    pool: platform.pool({ name: 'shipping shipments', cell: cell.name, component: 'shipments', fallback: env.SHIPMENTS_URL }),
    name: 'shipping shipments',
    token: cellWorkloadTokens({ cellGatewayUrl: env.CELL_GATEWAY_URL, component: context.component, workloadSecret: env.WORKLOAD_SECRET }),
  });
  const consumers = startComponentConsumers({ ...context, bus, handlers: fulfillmentHandlers({ shipments, logger }) });
  return {
    app: createApp({ logger, verifyToken: context.verifyToken, isReady: bus.isConnected }),
    resources: [bus.close, shipments.close, ...consumers.map((c) => c.stop)],
  };
}
