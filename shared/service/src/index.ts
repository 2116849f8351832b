// Imported by every main.ts before telemetry starts: nothing here may load an instrumented module
// (the server module's helpers are in ./compose.ts, imported once telemetry runs).
export { startCellService, type CellService } from './cell-service.ts';
export { startCellGatewayService } from './cell-gateway-service.ts';
