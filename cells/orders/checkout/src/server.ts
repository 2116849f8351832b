import { instanceName } from '@retail/descriptor';
import { connectCellBus } from '@retail/events';
import { cachedClientCredentials, cellWorkloadTokens } from '@retail/http-client';
import type { CellServiceContext, ComposedService } from '@retail/service/compose';
import { createApp } from './app.ts';
import { createCheckout } from './checkout.ts';
import { ordersCoreHttpClient, partitionGatewayClient, shippingGatewayClient } from './clients.ts';
import { type Env, loadEnv } from './env.ts';
import { startCheckoutConsumers } from './events/consumers.ts';
import { sagaHandlers } from './events/subscriptions.ts';
import { partitionHandover } from './handover.ts';
import { ordersCore } from './orders-core.ts';
import { shippingShipmentCanceller } from './shipping.ts';

export { loadEnv };

/** Composition root: clients (orders core, the shipping cell, the partitions' gateways) → NATS consumers → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { cell, env, logger, verifyToken, platform } = context;
  // Every call balanced over the instances the registry lists: its own cell's core, other cells' gateways.
  const pool = (name: string, target: string, component: string, fallback: string) =>
    platform.pool({ name, cell: target, component, fallback });
  const workloadToken = cellWorkloadTokens({
    cellGatewayUrl: env.CELL_GATEWAY_URL,
    component: context.component,
    workloadSecret: env.WORKLOAD_SECRET,
  });
  const ordersClient = ordersCoreHttpClient({
    pool: pool('orders orders', instanceName(cell), 'orders', env.ORDERS_URL),
    token: workloadToken,
    timeoutMs: env.ORDERS_TIMEOUT_MS,
  });
  // One client-credentials token of the orders cell for its calls to other cells (shipments) and partitions.
  const cellToken = cachedClientCredentials({
    tokenUrl: env.TOKEN_URL,
    // Each partition is a client of its own at the token service: `orders-2`.
    clientId: instanceName(cell),
    secret: env.CLIENT_SECRET,
    name: 'the token service',
  });
  const shippingClient = shippingGatewayClient({
    pool: pool('the shipping cell', 'shipping', 'gateway', env.SHIPPING_GATEWAY_URL),
    token: cellToken,
  });
  // Every partition's gateway (its own too), for saga steps about orders that moved there.
  const partitionClients = new Map(
    Object.entries(env.partitionGateways).map(([partition, url]) => [
      partition,
      partitionGatewayClient({ partition, pool: pool(`partition ${partition}`, partition, 'gateway', url), token: cellToken }),
    ]),
  );
  const orders = ordersCore(ordersClient);
  // Both tokens fetched before the instance listens and registers: a new instance's first orders (the
  // balancer sends it its share at once) wait for nothing but their own calls. Not there yet, they are
  // fetched on first use, as after any expiry.
  await Promise.allSettled([workloadToken(), cellToken()]);

  const bus = await connectCellBus(context);
  const handlers = sagaHandlers(orders, logger, partitionHandover(partitionClients));
  const consumers = startCheckoutConsumers({ bus, handlers, logger, cell, system: context.system });

  const checkout = createCheckout({
    orders,
    cancelShipment: shippingShipmentCanceller(shippingClient, logger),
    logger,
  });
  const app = createApp({ checkout, verifyToken, logger, isReady: bus.isConnected });
  return {
    app,
    resources: [
      bus.close,
      ordersClient.close,
      shippingClient.close,
      ...[...partitionClients.values()].map((c) => c.close),
      ...consumers.map((c) => c.stop),
    ],
  };
}
