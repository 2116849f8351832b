import { InventoryScopes } from '@retail/inventory-contract';
import { OrderScopes } from '@retail/orders-contract';
import { ProductScopes } from '@retail/products-contract';
import { ShippingScopes } from '@retail/shipping-contract';

/** The scopes the token service grants users. Each belongs to the cell whose routes require it. */
export const Scopes = {
  ordersRead: OrderScopes.read,
  ordersWrite: OrderScopes.write,
  ordersAdmin: OrderScopes.admin,
  productsWrite: ProductScopes.write,
  inventoryWrite: InventoryScopes.write,
  shipmentsWrite: ShippingScopes.write,
} as const;

export const CUSTOMER_SCOPES: readonly string[] = [Scopes.ordersRead, Scopes.ordersWrite];

export const ADMIN_SCOPES: readonly string[] = [
  ...CUSTOMER_SCOPES,
  Scopes.productsWrite,
  Scopes.inventoryWrite,
  Scopes.shipmentsWrite,
  Scopes.ordersAdmin,
];

/** Operator actions on the gateway itself (key rotation) need the admin's scope. */
export const OPERATOR_SCOPE = Scopes.ordersAdmin;

/** `"a b  a"` → `['a', 'b']`; an absent or blank scope parameter means "everything I may have". */
export function parseScopeParameter(scope: string | undefined): string[] | undefined {
  const requested = [...new Set((scope ?? '').split(' ').filter(Boolean))];
  return requested.length > 0 ? requested : undefined;
}

/** The scopes to grant, or the ones requested beyond what the account may have. */
export function grantScopes(
  requested: readonly string[] | undefined,
  allowed: readonly string[],
): { granted: string[]; refused: string[] } {
  if (!requested) return { granted: [...allowed], refused: [] };
  return {
    granted: requested.filter((s) => allowed.includes(s)),
    refused: requested.filter((s) => !allowed.includes(s)),
  };
}
