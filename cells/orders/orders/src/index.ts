export { createApp, type OrdersDeps } from './app.ts';
export { createOrderBook, type OrderBook } from './order-book.ts';
export { openOwnDatabase } from './db/open.ts';
