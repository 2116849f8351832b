/**
 * Whose records a reader may see: a customer their own, an operator (a token with the cell's admin
 * scope) everyone's. Routes turn the caller's token into a Viewer; aggregates take the Viewer, so
 * scopes stay in the HTTP layer and the rule itself is written once, here.
 *
 * @example
 * const viewer: Viewer = { customerId: principal.sub, operator: hasScopes(principal, [OrderScopes.admin]) };
 * if (!row || !mayView(viewer, row.customerId)) throw new OrderNotFoundError(id);
 */
export interface Viewer {
  customerId: string;
  operator: boolean;
}

/** True when the viewer may see a record that belongs to `ownerCustomerId`. */
export const mayView = (viewer: Viewer, ownerCustomerId: string): boolean => viewer.operator || viewer.customerId === ownerCustomerId;
