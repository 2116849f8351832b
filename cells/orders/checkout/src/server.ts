import { internalTokenVerifier } from '@retail/auth';
import { connectCellBus } from '@retail/events';
import { cachedClientCredentials, cellWorkloadTokens } from '@retail/http-client';
import { createLogger, runMain, serveApp } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import type { Telemetry } from '@retail/telemetry';
import { internalJwksUrl } from '@retail/topology';
import { createApp } from './app.ts';
import { createCheckout } from './checkout.ts';
import { ordersCoreHttpClient, productsGatewayClient, shippingGatewayClient } from './clients.ts';
import { loadEnv } from './env.ts';
import { startCheckoutConsumers } from './events/consumers.ts';
import { sagaHandlers } from './events/subscriptions.ts';
import { ordersCore } from './orders-core.ts';
import { productsPriceSource } from './pricing.ts';
import { shippingShipmentCanceller } from './shipping.ts';

/** Composition root: env → clients (orders core, products and shipping cells) → NATS consumers → HTTP; torn down in reverse. */
export function start(telemetry: Telemetry): void {
  runMain(async () => {
    const env = loadEnv();
    const logger = createLogger({ name: 'orders-checkout', level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: 'orders', component: 'checkout' } });
    const ordersClient = ordersCoreHttpClient({
      baseUrl: env.ORDERS_URL,
      token: cellWorkloadTokens({ cellGatewayUrl: env.CELL_GATEWAY_URL, component: 'checkout', cellSecret: env.CELL_SECRET }),
    });
    // One client-credentials token of the orders cell for its calls to other cells (prices, shipments).
    const cellToken = cachedClientCredentials({ tokenUrl: env.TOKEN_URL, clientId: ordersCell.name, secret: env.CLIENT_SECRET, name: 'the token service' });
    const productsClient = productsGatewayClient({ baseUrl: env.PRODUCTS_GATEWAY_URL, timeoutMs: env.PRICE_TIMEOUT_MS, token: cellToken });
    const shippingClient = shippingGatewayClient({ baseUrl: env.SHIPPING_GATEWAY_URL, token: cellToken });
    const orders = ordersCore(ordersClient);

    const bus = await connectCellBus({ cell: ordersCell, component: 'checkout', env, logger });
    const consumers = startCheckoutConsumers({ bus, handlers: sagaHandlers(orders, logger), logger });

    const checkout = createCheckout({ prices: productsPriceSource(productsClient, logger), orders, cancelShipment: shippingShipmentCanceller(shippingClient, logger), logger });
    const verifyToken = internalTokenVerifier(ordersCell.name, internalJwksUrl(env.CELL_GATEWAY_URL));
    const app = createApp({ checkout, verifyToken, logger, isReady: bus.isConnected });
    await serveApp({
      app,
      port: env.PORT,
      hostname: env.HOST,
      logger,
      onShutdown: [telemetry.shutdown, bus.close, ordersClient.close, productsClient.close, shippingClient.close, ...consumers.map((c) => c.stop)],
    });
  });
}
