export { createApp, type OrdersDeps } from './app.ts';
export { createOrderBook, type OrderBook } from './order-book.ts';
export { createCustomerMigration, type CustomerMigration } from './migration/customer-migration.ts';
export { openOwnDatabase } from './db/open.ts';
export { partitionServices } from './partition.ts';
export { priceHandlers } from './prices.ts';
