export { createApp, type CheckoutAppDeps } from './app.ts';
export { createCheckout, type Checkout, type CheckoutDeps } from './checkout.ts';
export { ordersCoreHttpClient, productsGatewayClient, shippingGatewayClient } from './clients.ts';
export { ordersCore, type OrdersCore } from './orders-core.ts';
export { priceLines, productsPriceSource, type PriceSource } from './pricing.ts';
export { canonicalJson, requestHash } from './request-hash.ts';
export { shippingShipmentCanceller, type ShipmentCanceller } from './shipping.ts';
export { sagaHandlers, CHECKOUT_MAX_DELIVER, type SagaHandlers } from './events/subscriptions.ts';
export { startCheckoutConsumers } from './events/consumers.ts';
