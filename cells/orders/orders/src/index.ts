export { createApp, type OrdersDeps } from './app.ts';
export { createOrderBook, type OrderBook, type Viewer } from './order-book.ts';
export { transition, IllegalTransitionError } from './transition.ts';
export { openOwnDatabase } from './db/open.ts';
