import { inventoryCell } from '@retail/inventory-contract';
import { ordersCell } from '@retail/orders-contract';
import { productsCell } from '@retail/products-contract';
import { shippingCell } from '@retail/shipping-contract';
import type { CellDescriptor } from '@retail/topology';

/** The cells of the system. gateway-global routes to each; the local runner and compose start each. */
export const cells: readonly CellDescriptor[] = [productsCell, inventoryCell, ordersCell, shippingCell];

export const globalGateway = { name: 'gateway-global', port: 8080 } as const;
