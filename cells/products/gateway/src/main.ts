// Telemetry starts before any module that it instruments is loaded; everything else comes after.
import { startTelemetry } from '@retail/telemetry';

const telemetry = startTelemetry({ serviceName: 'products-gateway', cell: 'products', httpClientSpans: false });
const { startCellGateway } = await import('@retail/gateway');
const { productsCell } = await import('@retail/products-contract');
// The routes, scopes and upstreams all come from the cell descriptor (cells/products/contract/src/cell.ts).
startCellGateway(productsCell, telemetry.shutdown);
