import { startTelemetry } from '@retail/telemetry';
import { instanceName, runningCell, type CellDescriptor } from '@retail/descriptor';
import { exitOnStartFailure } from './start-failure.ts';

/**
 * Start a cell's edge gateway as its own process, named `<cell>-gateway`: telemetry first (without
 * client spans: the forwarder passes its own server span on, so the next hop is its direct child), then
 * the gateway, whose routes, scopes and upstreams all come from the descriptor.
 *
 * @example
 * // cells/products/gateway/src/main.ts
 * startCellGatewayService(productsCell);
 */
export function startCellGatewayService(declared: CellDescriptor): void {
  // A partition's gateway (CELL_PARTITION) is the gateway of that copy of the cell: its ports, its upstreams.
  const cell = runningCell(declared, process.env);
  const name = `${instanceName(cell)}-gateway`;
  const telemetry = startTelemetry({ serviceName: name, cell: instanceName(cell), httpClientSpans: false });
  import('./serve-composed.ts')
    .then(({ serveComposed }) =>
      serveComposed(async () => (await import('@retail/gateway')).composeCellGateway(cell), {
        shutdownTelemetry: telemetry.shutdown,
        streamingBodies: true,
      }),
    )
    .catch(exitOnStartFailure(name));
}
