// Telemetry starts before any module that it instruments is loaded; everything else comes after.
import { startTelemetry } from '@retail/telemetry';

const telemetry = startTelemetry({ serviceName: 'inventory-gateway', cell: 'inventory', httpClientSpans: false });
const { startCellGateway } = await import('@retail/gateway');
const { inventoryCell } = await import('@retail/inventory-contract');
// The routes, scopes and upstreams all come from the cell descriptor (cells/inventory/contract/src/cell.ts).
startCellGateway(inventoryCell, telemetry.shutdown);
