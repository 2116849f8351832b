import { routePrefixes, type CellDescriptor } from '@retail/descriptor';
import type { Pool } from '@retail/http-client';

/** A running cell and where its gateway listens: a global cell, or one partition of a partitioned cell (`partition` set). */
export interface CellGatewayTarget {
  cell: CellDescriptor;
  /** e.g. `http://127.0.0.1:4100`: its configured URL. */
  url: string;
  /** Its gateway's instances from the registry, balanced; without, `url` alone. */
  pool?: Pool;
}

/** Where `/api/<segment>` goes: one cell gateway, or the cell router of a partitioned cell. */
export type CellRoute =
  | { kind: 'global'; cell: string; origin: string; pool?: Pool }
  | {
      kind: 'partitioned';
      cell: string;
      /** The cell's descriptor (its routes, as every partition has them). */
      descriptor: CellDescriptor;
      /** Partition name → the origin of its gateway, e.g. `orders-2` → `http://127.0.0.1:4600`. */
      partitions: Map<string, string>;
      /** Partition name → its gateway's instances, where the registry is used. */
      pools: Map<string, Pool>;
    };

/**
 * First path segment → cell gateway, derived from the descriptors (`/api/products/…` → products). The
 * partitions of a partitioned cell (`systemCells`) share one entry, which lists their gateways
 * (`/api/orders/…` → orders-1, orders-2, …); a partitioned cell given whole is routed as one gateway.
 * Two cells claiming one segment is a topology error, caught at startup.
 */
export function buildCellRouteTable(targets: readonly CellGatewayTarget[]): ReadonlyMap<string, CellRoute> {
  const table = new Map<string, CellRoute>();
  const partitioned = new Map<string, Extract<CellRoute, { kind: 'partitioned' }>>();
  for (const { cell, url, pool } of targets) {
    const origin = new URL(url).origin;
    let route: CellRoute;
    if (cell.partition) {
      const known = partitioned.get(cell.name);
      if (known) {
        known.partitions.set(cell.partition, origin);
        if (pool) known.pools.set(cell.partition, pool);
        continue;
      }
      route = {
        kind: 'partitioned',
        cell: cell.name,
        descriptor: cell,
        partitions: new Map([[cell.partition, origin]]),
        pools: new Map(pool ? [[cell.partition, pool]] : []),
      };
      partitioned.set(cell.name, route);
    } else route = { kind: 'global', cell: cell.name, origin, pool };
    for (const prefix of routePrefixes(cell)) {
      const taken = table.get(prefix);
      if (taken) throw new Error(`/api/${prefix} is claimed by both ${taken.cell} and ${cell.name}`);
      table.set(prefix, route);
    }
  }
  return table;
}
