export { createApp, type CheckoutAppDeps } from './app.ts';
export { createCheckout, CustomerMovingError, PricesUnknownError, type Checkout, type CheckoutDeps } from './checkout.ts';
export { partitionHandover, type PartitionHandover } from './handover.ts';
export { ordersCoreHttpClient, partitionGatewayClient, shippingGatewayClient } from './clients.ts';
export { ordersCore, type OrdersCore } from './orders-core.ts';
export { shippingShipmentCanceller, type ShipmentCanceller } from './shipping.ts';
export { sagaHandlers, CHECKOUT_MAX_DELIVER, MAX_HANDOVERS, CustomerBeingMovedError, type SagaHandlers } from './events/subscriptions.ts';
export { startCheckoutConsumers } from './events/consumers.ts';
