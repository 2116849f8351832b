export { createApp, type StockDeps } from './app.ts';
export { createStock, type Stock } from './stock.ts';
export { createReservations, type Reservations } from './reservations.ts';
export { openStock } from './levels.ts';
export { productHandlers, type ProductHandlerOptions } from './events/subscriptions.ts';
export { demoStock, openingStock } from './seed.ts';
export { openOwnDatabase } from './db/open.ts';
