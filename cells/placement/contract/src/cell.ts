import { defineCell } from '@retail/descriptor';
import { OrderScopes } from '@retail/orders-contract';
import { PlacementStream, PlacementSubjects } from './subjects.ts';

export const PlacementScopes = {
  /** The cell router (gateway-global): reading the whole placement map. */
  read: 'placement:read',
  /** The cell router: recording a new customer's partition at first use. */
  assign: 'placement:assign',
} as const;

/**
 * The placement cell: the control plane of the partitioned cells (README.md, "Two kinds of cells"). It records which
 * partition serves each customer, operators' overrides and each partition's state; gateway-global's cell
 * router keeps a copy of its map. Operators act with the partitioned cell's admin scope (`orders:admin`).
 */
export const placementCell = defineCell({
  name: 'placement',
  summary: 'The control plane of the partitioned cells: which partition serves each customer, and each partition’s state.',
  stream: PlacementStream,
  gateway: { port: 4500 },
  components: [
    {
      name: 'placements',
      kind: 'core',
      port: 4501,
      datastore: 'placement.db',
      publishes: [PlacementSubjects.customerAssigned, PlacementSubjects.partitionChanged],
      summary:
        'Owns the placement map: each customer’s partition (recorded at first use by the rule, or set by an operator), partition states, and the map’s version.',
    },
  ],
  routes: [
    {
      method: 'GET',
      path: '/cells/placement',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'Partitions of every partitioned cell with their state and customer counts (operators)',
    },
    {
      method: 'GET',
      path: '/cells/placement/:customerId',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'The partition of one customer, or the one the rule would give them (operators)',
    },
    {
      method: 'PUT',
      path: '/cells/placement/partitions/:partition',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'Set a partition’s state: active, draining or down (operators)',
    },
    {
      method: 'PUT',
      path: '/cells/placement/:customerId',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'Place a customer on a partition explicitly (operators)',
    },
    {
      method: 'GET',
      path: '/placement/map',
      component: 'placements',
      access: 'token',
      scopes: [PlacementScopes.read],
      callers: 'cell',
      summary: 'The whole placement map, for the cell router (ETag, 304)',
    },
    {
      method: 'POST',
      path: '/placement/assignments',
      component: 'placements',
      access: 'token',
      scopes: [PlacementScopes.assign],
      callers: 'cell',
      summary: 'Record a new customer’s partition by the rule (idempotent), for the cell router',
    },
  ],
});
