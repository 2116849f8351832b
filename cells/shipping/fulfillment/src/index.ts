export { createApp, type FulfillmentAppDeps } from './app.ts';
export { fulfillmentHandlers, type FulfillmentDeps } from './handlers.ts';
