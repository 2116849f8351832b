import type { CellDescriptor } from '@retail/descriptor';
import { inventoryCell } from '@retail/inventory-contract';
import { ordersCell } from '@retail/orders-contract';
import { productsCell } from '@retail/products-contract';
import { shippingCell } from '@retail/shipping-contract';

/**
 * The cells of the system, in the order they start (a cell's dependencies first). Adding a cell to the
 * system is adding its descriptor here: gateway-global routes to it, `npm start`, `npm run dev` and
 * compose run it, NATS gets its user, the console draws it.
 */
export const cells: readonly CellDescriptor[] = [productsCell, inventoryCell, ordersCell, shippingCell];

/** The single public entry of the system (the only port compose publishes besides the tracing UI). */
export const globalGateway = { name: 'gateway-global', port: 8080 } as const;
