import { startTelemetry } from '@retail/telemetry';
import type { CellDescriptor } from '@retail/descriptor';
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
export function startCellGatewayService(cell: CellDescriptor): void {
  const name = `${cell.name}-gateway`;
  const telemetry = startTelemetry({ serviceName: name, cell: cell.name, httpClientSpans: false });
  import('./serve-composed.ts')
    .then(({ serveComposed }) =>
      serveComposed(async () => (await import('@retail/gateway')).composeCellGateway(cell), {
        shutdownTelemetry: telemetry.shutdown,
        streamingBodies: true,
      }),
    )
    .catch(exitOnStartFailure(name));
}
