// What a server module (loaded once telemetry runs) uses to compose itself. Kept apart from index.ts:
// main.ts imports that one before telemetry starts, and @retail/events takes its meters at import time.
export type { CellServiceContext, ComposedService } from './cell-service.ts';
export { openCoreStore, type CoreStore } from './core-store.ts';
