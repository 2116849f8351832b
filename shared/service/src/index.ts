export { startCellService, type CellService, type CellServiceContext, type ComposedService } from './cell-service.ts';
export { startCellGatewayService } from './cell-gateway-service.ts';
export { openCoreStore, type CoreStore } from './core-store.ts';
