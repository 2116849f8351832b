import { cellInstances, type CellDescriptor } from '@retail/descriptor';
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
