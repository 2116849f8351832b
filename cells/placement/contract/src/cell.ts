import { defineCell } from '@retail/descriptor';
import * as placementMigrations from './migrations.ts';
import * as placementSchemas from './schemas.ts';
import { MigrationScopes, OrderScopes } from '@retail/orders-contract';
import { z } from 'zod';
import { drainSchema, migrationListQuerySchema, migrationListSchema, migrationRequestSchema, migrationSchema } from './migrations.ts';
import {
  assignmentRequestSchema,
  customerAssignedEventSchema,
  customerIdSchema,
  customerPlacementQuerySchema,
  customerPlacementSchema,
  partitionChangedEventSchema,
  partitionNameSchema,
  partitionSchema,
  partitionStateChangeSchema,
  placementMapSchema,
  placementOverrideSchema,
  placementOverviewSchema,
} from './schemas.ts';
import { PlacementStream, PlacementSubjects } from './subjects.ts';

const byCustomer = z.object({ customerId: customerIdSchema });
const byPartition = z.object({ partition: partitionNameSchema });

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
  schemas: { ...placementSchemas, ...placementMigrations },
  events: {
    [PlacementSubjects.customerAssigned]: customerAssignedEventSchema,
    [PlacementSubjects.partitionChanged]: partitionChangedEventSchema,
  },
  gateway: { port: 4500 },
  // Its migration controller moves customers' orders between the partitions, through their gateways.
  clientScopes: [MigrationScopes.migrate],
  components: [
    {
      name: 'placements',
      kind: 'core',
      port: 4501,
      datastore: 'placement.db',
      publishes: [PlacementSubjects.customerAssigned, PlacementSubjects.partitionChanged],
      calls: ['orders'],
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
      contract: { responses: { 200: placementOverviewSchema } },
    },
    {
      method: 'GET',
      path: '/cells/placement/:customerId',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'The partition of one customer, or the one the rule would give them (operators)',
      contract: { params: byCustomer, query: customerPlacementQuerySchema, responses: { 200: customerPlacementSchema }, problems: [404] },
    },
    {
      method: 'PUT',
      path: '/cells/placement/partitions/:partition',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'Set a partition’s state: active, draining or down (operators)',
      contract: { params: byPartition, body: partitionStateChangeSchema, responses: { 200: partitionSchema }, problems: [404, 409] },
    },
    {
      method: 'PUT',
      path: '/cells/placement/:customerId',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'Place a customer on a partition explicitly (operators)',
      contract: { params: byCustomer, body: placementOverrideSchema, responses: { 200: customerPlacementSchema }, problems: [404, 409] },
    },
    {
      method: 'POST',
      path: '/cells/migrations',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'Move one customer, with their orders, to another partition (operators; 202, then follow the move)',
      contract: {
        body: migrationRequestSchema,
        responses: { 202: migrationSchema },
        responseHeaders: { Location: { description: 'The move, to follow', statuses: [202] } },
        problems: [404, 409],
      },
    },
    {
      method: 'GET',
      path: '/cells/migrations',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'Moves of customers between partitions, newest first (operators)',
      contract: { query: migrationListQuerySchema, responses: { 200: migrationListSchema } },
    },
    {
      method: 'GET',
      path: '/cells/migrations/:id',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'One move and the step it is at (operators)',
      contract: { params: z.object({ id: z.uuid() }), responses: { 200: migrationSchema }, problems: [404] },
    },
    {
      method: 'POST',
      path: '/cells/placement/partitions/:partition/drain',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'Mark a partition draining and move every customer off it (operators)',
      contract: { params: byPartition, responses: { 202: drainSchema }, problems: [404, 409] },
    },
    {
      method: 'GET',
      path: '/cells/placement/partitions/:partition/drain',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'How far the drain of a partition has got (operators)',
      contract: { params: byPartition, responses: { 200: drainSchema }, problems: [404] },
    },
    {
      method: 'POST',
      path: '/cells/placement/partitions/:partition/undrain',
      component: 'placements',
      access: 'token',
      scopes: [OrderScopes.admin],
      summary: 'Make a draining partition active again; moves not started yet are cancelled (operators)',
      contract: { params: byPartition, responses: { 200: drainSchema }, problems: [404, 409] },
    },
    {
      method: 'GET',
      path: '/placement/map',
      component: 'placements',
      access: 'token',
      scopes: [PlacementScopes.read],
      callers: 'cell',
      summary: 'The whole placement map, for the cell router (ETag, 304)',
      contract: {
        headers: { 'If-None-Match': { description: 'The ETag of the copy the router holds: 304 while it is current.' } },
        responses: { 200: placementMapSchema, 304: null },
        responseHeaders: { ETag: { description: 'The map’s version', statuses: [200, 304] } },
      },
    },
    {
      method: 'POST',
      path: '/placement/assignments',
      component: 'placements',
      access: 'token',
      scopes: [PlacementScopes.assign],
      callers: 'cell',
      summary: 'Record a new customer’s partition by the rule (idempotent), for the cell router',
      contract: {
        body: assignmentRequestSchema,
        responses: { 200: customerPlacementSchema, 201: customerPlacementSchema },
        problems: [404, 409],
      },
    },
  ],
});
