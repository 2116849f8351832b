export { createApp, type AllocationDeps } from './app.ts';
export { allocationHandlers, ALLOCATION_MAX_DELIVER, type AllocationHandlers } from './events/handlers.ts';
export { createStockCommands, type StockCommands } from './stock-commands.ts';
