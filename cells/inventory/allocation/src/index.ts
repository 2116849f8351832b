export { createApp, type AllocationDeps } from './app.ts';
export { allocationHandlers, ALLOCATION_MAX_DELIVER, type AllocationHandlers } from './events/handlers.ts';
export { startAllocationConsumers } from './events/consumers.ts';
export { createStockCommands, type StockCommands } from './stock-commands.ts';
