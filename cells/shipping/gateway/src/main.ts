// Telemetry starts before any module that it instruments is loaded; everything else comes after.
import { startTelemetry } from '@retail/telemetry';

const telemetry = startTelemetry({ serviceName: 'shipping-gateway', cell: 'shipping', httpClientSpans: false });
const { startCellGateway } = await import('@retail/gateway');
const { shippingCell } = await import('@retail/shipping-contract');
// The routes, scopes and upstreams all come from the cell descriptor (cells/shipping/contract/src/cell.ts).
startCellGateway(shippingCell, telemetry.shutdown);
