export { createApp, type BrowseDeps } from './app.ts';
export { catalogHandlers, stockHandlers } from './events/subscriptions.ts';
export { listProducts, getProduct, availabilityOf, LOW_STOCK_THRESHOLD } from './queries.ts';
export { openOwnDatabase } from './db/open.ts';
