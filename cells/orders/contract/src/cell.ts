import { defineCell } from '@retail/descriptor';
import * as orderMigration from './migration.ts';
import * as orderSchemas from './schemas.ts';
import * as orderCommands from './commands.ts';
import { z } from 'zod';
import { orderTransitionCommandSchema } from './commands.ts';
import {
  customerBundleSchema,
  customerHoldingSchema,
  exportQuerySchema,
  heldCustomersSchema,
  importCommandSchema,
  MAX_IMPORT_BYTES,
  MigrationScopes,
  migratingCustomerSchema,
  moveCommandSchema,
  undoMoveCommandSchema,
} from './migration.ts';
import {
  idempotencyKeySchema,
  listOrdersQuerySchema,
  orderCancelledEventSchema,
  orderConfirmedEventSchema,
  orderDeliveredEventSchema,
  orderPageSchema,
  orderPlacedEventSchema,
  orderRejectedEventSchema,
  orderSchema,
  orderShippedEventSchema,
  placeOrderSchema,
} from './schemas.ts';
import { OrderSubjects, OrdersStream } from './subjects.ts';

const byId = z.object({ id: z.string() });
const byCustomer = z.object({ customerId: migratingCustomerSchema });
const holding = { 200: customerHoldingSchema };

export const OrderScopes = {
  /** Customers: their own orders. */
  read: 'orders:read',
  write: 'orders:write',
  /** Operators: every customer's orders. */
  admin: 'orders:admin',
} as const;

/** The orders cell, declared once (other cells' subjects as plain strings, so that contracts never form import cycles — choreography is circular; a test checks each against its producer). */
export const ordersCell = defineCell({
  name: 'orders',
  summary: 'Customer orders: checkout at the catalog’s prices as this cell last heard them, and the order’s life through the saga.',
  stream: OrdersStream,
  schemas: { ...orderSchemas, ...orderMigration, ...orderCommands },
  events: {
    [OrderSubjects.placed]: orderPlacedEventSchema,
    [OrderSubjects.confirmed]: orderConfirmedEventSchema,
    [OrderSubjects.rejected]: orderRejectedEventSchema,
    [OrderSubjects.cancelled]: orderCancelledEventSchema,
    [OrderSubjects.shipped]: orderShippedEventSchema,
    [OrderSubjects.delivered]: orderDeliveredEventSchema,
  },
  gateway: { port: 4200 },
  // Several complete copies, each serving the customers placement gives it (README.md, "Two kinds of cells");
  // ORDERS_PARTITIONS raises it. orders-1 listens on 4200–4202, orders-2… on 4600–4602, 4610–4612, …: ten
  // ports apart from 4200 on, orders-3 would meet NATS's standard port (4222) and orders-6 npm start's (4250).
  partitions: { key: 'customer', count: 2, ports: 4600 },
  // Shipping's scope as a plain string (its contract imports this one); compose/src/topology.test.ts checks it.
  // orders:handover: a partition hands a saga step about an order that moved on to the partition holding it.
  clientScopes: ['shipments:cancel', MigrationScopes.handover],
  components: [
    {
      name: 'orders',
      kind: 'core',
      port: 4201,
      datastore: 'orders.db',
      publishes: Object.values(OrderSubjects),
      // Its own copy of the catalog's prices (a projection): placing an order calls no other cell.
      consumes: [
        { stream: 'PRODUCTS', subject: 'products.product.created' },
        { stream: 'PRODUCTS', subject: 'products.product.updated' },
        { stream: 'PRODUCTS', subject: 'products.product.deleted' },
      ],
      summary:
        'Owns the order aggregate and its state machine (PENDING → CONFIRMED → SHIPPED → DELIVERED, REJECTED, CANCELLED), with status history; prices orders from its projection of the products cell’s product events.',
    },
    {
      name: 'checkout',
      kind: 'composite',
      port: 4202,
      consumes: [
        { stream: 'INVENTORY', subject: 'inventory.reservation.confirmed' },
        { stream: 'INVENTORY', subject: 'inventory.reservation.rejected' },
        { stream: 'SHIPPING', subject: 'shipping.shipment.dispatched' },
        { stream: 'SHIPPING', subject: 'shipping.shipment.delivered' },
        { stream: 'SHIPPING', subject: 'shipping.shipment.cancelled' },
      ],
      // `orders`: its sibling partitions' gateways, for events about orders that moved there.
      calls: ['shipping', 'orders'],
      summary:
        'Places orders: validates the request, has orders price and store it; cancels them, a confirmed one only once the shipping cell has cancelled its shipment; moves orders along on inventory and shipping events.',
    },
  ],
  routes: [
    {
      method: 'POST',
      path: '/orders',
      component: 'checkout',
      access: 'token',
      scopes: [OrderScopes.write],
      summary: 'Place an order (Idempotency-Key header)',
      contract: {
        body: placeOrderSchema,
        headers: {
          'Idempotency-Key': {
            description: 'Unique per new order: a retry with the same key answers the first attempt’s order.',
            required: true,
            schema: idempotencyKeySchema,
          },
        },
        responses: { 201: orderSchema },
        responseHeaders: { Location: { description: 'The order’s path', statuses: [201] } },
        problems: [409, 422],
      },
    },
    {
      method: 'GET',
      path: '/orders',
      component: 'orders',
      access: 'token',
      scopes: [OrderScopes.read],
      summary: 'The caller’s orders, newest first, paged',
      contract: { query: listOrdersQuerySchema, responses: { 200: orderPageSchema } },
    },
    {
      // Before /orders/:id, which would take `events` for an order id.
      method: 'GET',
      path: '/orders/events',
      component: 'orders',
      access: 'token',
      scopes: [OrderScopes.read],
      stream: true,
      summary:
        'The caller’s orders as they change (server-sent events: `order` events whose data is the order, as GET /orders/{id} answers it; `: keep-alive` comments; ends when the token expires)',
      contract: {
        headers: {
          'Last-Event-ID': {
            description:
              'The id of the last event received: the stream resumes after it. Without it, or with one it cannot resume from, it starts with every order not yet at an end state.',
            schema: z.string().max(200),
          },
        },
        responses: { 200: z.string() },
        responseMediaType: 'text/event-stream',
      },
    },
    {
      method: 'GET',
      path: '/orders/:id',
      component: 'orders',
      access: 'token',
      scopes: [OrderScopes.read],
      summary: 'One of the caller’s orders',
      contract: { params: byId, responses: { 200: orderSchema }, problems: [404, 410] },
    },
    {
      method: 'POST',
      path: '/orders/:id/cancel',
      component: 'checkout',
      access: 'token',
      scopes: [OrderScopes.write],
      summary: 'Cancel before dispatch',
      contract: { params: byId, responses: { 200: orderSchema }, problems: [404, 409] },
    },
    ...(
      [
        [
          'POST',
          '/migration/customers/:customerId/freeze',
          'Pause a customer’s writes here for a move (the migration controller)',
          { params: byCustomer, body: moveCommandSchema, responses: holding, problems: [409] },
        ],
        [
          'GET',
          '/migration/customers/:customerId',
          'A frozen customer’s orders with their history and keys (the migration controller)',
          { params: byCustomer, query: exportQuerySchema, responses: { 200: customerBundleSchema }, problems: [409] },
        ],
        [
          'PUT',
          '/migration/customers/:customerId',
          'Store a moving customer’s orders from another partition (the migration controller)',
          { params: byCustomer, body: importCommandSchema, responses: holding, problems: [409] },
        ],
        [
          'POST',
          '/migration/customers/:customerId/release',
          'Forget a customer who moved away, keeping where each order went (the migration controller)',
          { params: byCustomer, body: moveCommandSchema, responses: holding, problems: [409] },
        ],
        [
          'POST',
          '/migration/customers/:customerId/unfreeze',
          'Undo a freeze: the move was rolled back (the migration controller)',
          { params: byCustomer, body: undoMoveCommandSchema, responses: holding, problems: [409] },
        ],
        [
          'POST',
          '/migration/customers/:customerId/discard',
          'Undo an import: the move was rolled back (the migration controller)',
          { params: byCustomer, body: undoMoveCommandSchema, responses: holding, problems: [409] },
        ],
        [
          'GET',
          '/migration/customers',
          'Every customer this partition holds orders for (the migration controller, draining)',
          { responses: { 200: heldCustomersSchema } },
        ],
      ] as const
    ).map(([method, path, summary, contract]) => ({
      method,
      path,
      component: 'orders',
      access: 'token' as const,
      scopes: [MigrationScopes.migrate],
      callers: 'cell' as const,
      // The import carries all of a customer's orders.
      ...(method === 'PUT' ? { maxBodyBytes: MAX_IMPORT_BYTES } : {}),
      summary,
      contract,
    })),
    {
      method: 'POST',
      path: '/migration/orders/:id/transitions',
      component: 'orders',
      access: 'token',
      scopes: [MigrationScopes.handover],
      callers: 'cell',
      summary: 'Apply a saga step to an order that moved here from another partition (Idempotency-Key: the event id)',
      contract: {
        params: byId,
        body: orderTransitionCommandSchema,
        headers: { 'Idempotency-Key': { description: 'The id of the event that caused the step', required: true } },
        responses: { 200: orderSchema },
        problems: [404, 409, 410],
      },
    },
  ],
});
