import { instanceName } from '@retail/descriptor';
import { connectCellBus } from '@retail/events';
import { cachedClientCredentials, cellWorkloadTokens, createCircuitBreaker } from '@retail/http-client';
import type { CellServiceContext, ComposedService } from '@retail/service/compose';
import { createApp } from './app.ts';
import { createCheckout } from './checkout.ts';
import { ordersCoreHttpClient, productsGatewayClient, shippingGatewayClient } from './clients.ts';
import { type Env, loadEnv } from './env.ts';
import { startCheckoutConsumers } from './events/consumers.ts';
import { sagaHandlers } from './events/subscriptions.ts';
import { ordersCore } from './orders-core.ts';
import { productsPriceSource } from './pricing.ts';
import { shippingShipmentCanceller } from './shipping.ts';

export { loadEnv };

/** Composition root: clients (orders core, products and shipping cells) → NATS consumers → HTTP. */
export async function compose(context: CellServiceContext<Env>): Promise<ComposedService> {
  const { cell, env, logger, verifyToken, platform } = context;
  // Every call balanced over the instances the registry lists: its own cell's core, other cells' gateways.
  const pool = (name: string, target: string, component: string, fallback: string) =>
    platform.pool({ name, cell: target, component, fallback });
  const ordersClient = ordersCoreHttpClient({
    pool: pool('orders orders', instanceName(cell), 'orders', env.ORDERS_URL),
    token: cellWorkloadTokens({ cellGatewayUrl: env.CELL_GATEWAY_URL, component: context.component, workloadSecret: env.WORKLOAD_SECRET }),
  });
  // One client-credentials token of the orders cell for its calls to other cells (prices, shipments).
  const cellToken = cachedClientCredentials({
    tokenUrl: env.TOKEN_URL,
    // Each partition is a client of its own at the token service: `orders-2`.
    clientId: instanceName(cell),
    secret: env.CLIENT_SECRET,
    name: 'the token service',
  });
  const breaker = createCircuitBreaker({
    name: 'products cell',
    failureThreshold: env.BREAKER_FAILURES,
    resetAfterMs: env.BREAKER_RESET_MS,
  });
  const productsClient = productsGatewayClient({
    breaker,
    pool: pool('the products cell', 'products', 'gateway', env.PRODUCTS_GATEWAY_URL),
    timeoutMs: env.PRICE_TIMEOUT_MS,
    token: cellToken,
  });
  const shippingClient = shippingGatewayClient({
    pool: pool('the shipping cell', 'shipping', 'gateway', env.SHIPPING_GATEWAY_URL),
    token: cellToken,
  });
  const orders = ordersCore(ordersClient);

  const bus = await connectCellBus(context);
  const consumers = startCheckoutConsumers({ bus, handlers: sagaHandlers(orders, logger), logger, cell, system: context.system });

  const checkout = createCheckout({
    prices: productsPriceSource(productsClient, logger),
    orders,
    cancelShipment: shippingShipmentCanceller(shippingClient, logger),
    logger,
  });
  const app = createApp({ checkout, verifyToken, logger, isReady: bus.isConnected });
  return {
    app,
    live: {
      BREAKER_FAILURES: { initial: env.BREAKER_FAILURES, apply: (v) => breaker.configure({ failureThreshold: Number(v) }) },
      BREAKER_RESET_MS: { initial: env.BREAKER_RESET_MS, apply: (v) => breaker.configure({ resetAfterMs: Number(v) }) },
    },
    resources: [bus.close, ordersClient.close, productsClient.close, shippingClient.close, ...consumers.map((c) => c.stop)],
  };
}
