import { cellInstances, gatewayUrlVar, localUrl, type CellDescriptor } from '@retail/descriptor';
import { inventoryCell } from '@retail/inventory-contract';
import { ordersCell } from '@retail/orders-contract';
import { placementCell } from '@retail/placement-contract';
import { productsCell } from '@retail/products-contract';
import { shippingCell } from '@retail/shipping-contract';

/**
 * The cells of the system, in the order they start (a cell's dependencies first). Adding a cell to the
 * system is adding its descriptor here: gateway-global routes to it, `npm start`, `npm run dev` and
 * compose run it, NATS gets its user, the console draws it. The placement cell comes first: it is the
 * control plane of the partitioned cells (README.md, "Two kinds of cells"), read by gateway-global's cell router.
 */
export const cells: readonly CellDescriptor[] = [placementCell, productsCell, inventoryCell, ordersCell, shippingCell];

/** The single public entry of the system (the only port compose publishes besides the tracing UI). */
export const globalGateway = { name: 'gateway-global', port: 8080 } as const;

/**
 * The running system: every global cell, and every partition of a partitioned cell as a cell of its
 * own (`orders-1`, `orders-2`; `ORDERS_PARTITIONS` in `env` sets how many).
 */
export const systemCells = (env: Record<string, string | undefined> = process.env): CellDescriptor[] => cellInstances(cells, env);

/** One partition's gateway, as a caller of the partitioned cell finds it: the variable that says where, and the local default. */
export interface PartitionGatewaySetting {
  partition: string;
  /** `ORDERS_2_GATEWAY_URL` */
  variable: string;
  /** `http://127.0.0.1:4600` */
  fallback: string;
}

/**
 * The gateways of every partition of `cell` in the running system (`ORDERS_PARTITIONS` in `env`): what a
 * component calling the partitioned cell reads (`calls: ['orders']`; the runner and compose set each).
 *
 * @example
 * partitionGateways('orders', { ORDERS_PARTITIONS: '2' }); // [{ partition: 'orders-1', variable: 'ORDERS_1_GATEWAY_URL', fallback: 'http://127.0.0.1:4200' }, …]
 */
export const partitionGateways = (cell: string, env: Record<string, string | undefined> = process.env): PartitionGatewaySetting[] =>
  systemCells(env)
    .filter((c) => c.name === cell && c.partition)
    .map((c) => ({ partition: c.partition!, variable: gatewayUrlVar(c.partition!), fallback: localUrl(c.gateway.port) }));
