import { routePrefixes, type CellDescriptor } from '@retail/descriptor';

/** A cell and where its gateway listens. */
export interface CellGatewayTarget {
  cell: CellDescriptor;
  /** e.g. `http://127.0.0.1:4100` */
  url: string;
}

export interface CellRoute {
  cell: string;
  origin: string;
}

/**
 * First path segment → cell gateway, derived from the descriptors (`/api/products/…` → products).
 * Two cells claiming one segment is a topology error, caught at startup.
 */
export function buildCellRouteTable(targets: readonly CellGatewayTarget[]): ReadonlyMap<string, CellRoute> {
  const table = new Map<string, CellRoute>();
  for (const { cell, url } of targets) {
    const origin = new URL(url).origin;
    for (const prefix of routePrefixes(cell)) {
      const taken = table.get(prefix);
      if (taken) throw new Error(`/api/${prefix} is claimed by both ${taken.cell} and ${cell.name}`);
      table.set(prefix, { cell: cell.name, origin });
    }
  }
  return table;
}
