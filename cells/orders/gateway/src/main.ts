// Telemetry starts before any module that it instruments is loaded; everything else comes after.
import { startTelemetry } from '@retail/telemetry';

const telemetry = startTelemetry({ serviceName: 'orders-gateway', cell: 'orders', httpClientSpans: false });
const { startCellGateway } = await import('@retail/gateway');
const { ordersCell } = await import('@retail/orders-contract');
// The routes, scopes and upstreams all come from the cell descriptor (cells/orders/contract/src/cell.ts).
startCellGateway(ordersCell, telemetry.shutdown);
