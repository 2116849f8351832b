import { z } from 'zod';
import { settingSchema } from '@retail/config';
import { cellServiceEnv, parseEnv, secret } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import { productsCell } from '@retail/products-contract';
import { shippingCell } from '@retail/shipping-contract';
import { component, devClientSecret, devWorkloadSecret, instanceName, localUrl, runningCell } from '@retail/descriptor';

const self = component(ordersCell, 'checkout');

export function loadEnv(source = process.env) {
  const schema = z.object({
    ...cellServiceEnv({
      port: self.port,
      cellGatewayUrl: localUrl(ordersCell.gateway.port),
      workloadSecret: devWorkloadSecret(ordersCell.name, self.name),
    }),
    /** The orders core service, commanded inside the cell (`componentUrlVar('orders')`). */
    ORDERS_URL: z.url().default(localUrl(component(ordersCell, 'orders').port)),
    /** Prices come from the products cell, through its gateway only (`gatewayUrlVar('products')`). */
    PRODUCTS_GATEWAY_URL: z.url().default(localUrl(productsCell.gateway.port)),
    /** A confirmed order's shipment is cancelled through the shipping cell's gateway (`gatewayUrlVar('shipping')`). */
    SHIPPING_GATEWAY_URL: z.url().default(localUrl(shippingCell.gateway.port)),
    /** gateway-global's token service, for this cell's client-credentials token. */
    TOKEN_URL: z.url().default(`${localUrl(8080)}/auth/token`),
    /** Its partition's client secret at the token service (CLIENT_SECRET_ORDERS_2 there: each partition is a client). */
    CLIENT_SECRET: secret((env) => devClientSecret(instanceName(runningCell(ordersCell, env)))),
    /** How long a customer waits for prices before checkout answers 503. */
    PRICE_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
    /** The circuit breaker to the products cell (live: `npm run config -- set orders/checkout BREAKER_FAILURES 5`). */
    BREAKER_FAILURES: settingSchema('BREAKER_FAILURES', 3),
    BREAKER_RESET_MS: settingSchema('BREAKER_RESET_MS', 5_000),
  });
  return parseEnv(schema, source);
}

export type Env = ReturnType<typeof loadEnv>;
