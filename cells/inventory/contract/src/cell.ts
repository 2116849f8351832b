import { defineCell } from '@retail/descriptor';
import * as inventoryEvents from './events.ts';
import * as inventorySchemas from './schemas.ts';
import { skuSchema } from '@retail/products-contract';
import { z } from 'zod';
import {
  InventoryStream,
  InventorySubjects,
  reservationConfirmedEventSchema,
  reservationRejectedEventSchema,
  reservationReleasedEventSchema,
  stockChangedEventSchema,
} from './events.ts';
import { adjustmentSchema, listStockQuerySchema, stockLevelSchema, stockPageSchema } from './schemas.ts';

const bySku = z.object({ sku: skuSchema });

export const InventoryScopes = { write: 'inventory:write' } as const;

/** The inventory cell, declared once (other cells' subjects as plain strings, so that contracts never form import cycles — choreography is circular; a test checks each against its producer). */
export const inventoryCell = defineCell({
  name: 'inventory',
  summary: 'Stock per SKU and reservations per order: never oversells, under any concurrency.',
  stream: InventoryStream,
  schemas: { ...inventorySchemas, ...inventoryEvents },
  events: {
    [InventorySubjects.stockChanged]: stockChangedEventSchema,
    [InventorySubjects.reservationConfirmed]: reservationConfirmedEventSchema,
    [InventorySubjects.reservationRejected]: reservationRejectedEventSchema,
    [InventorySubjects.reservationReleased]: reservationReleasedEventSchema,
  },
  gateway: { port: 4300 },
  components: [
    {
      name: 'stock',
      kind: 'core',
      port: 4301,
      datastore: 'stock.db',
      publishes: Object.values(InventorySubjects),
      // The answers to an order's placement go to the orders partition that placed it, and to it alone.
      addressed: [InventorySubjects.reservationConfirmed, InventorySubjects.reservationRejected],
      consumes: [{ stream: 'PRODUCTS', subject: 'products.product.created' }],
      summary: 'Owns stock levels (onHand, reserved) and reservations; adjustments with a reason; a stock row for every catalog product.',
    },
    {
      name: 'allocation',
      kind: 'composite',
      port: 4302,
      consumes: [
        { stream: 'ORDERS', subject: 'orders.order.placed' },
        { stream: 'ORDERS', subject: 'orders.order.cancelled' },
        { stream: 'SHIPPING', subject: 'shipping.shipment.dispatched' },
      ],
      summary: 'Turns order and shipping events into stock commands: reserve every line or none, release on cancel, commit on dispatch.',
    },
  ],
  routes: [
    {
      method: 'GET',
      path: '/inventory',
      component: 'stock',
      access: 'public',
      summary: 'Stock levels, paged',
      contract: { query: listStockQuerySchema, responses: { 200: stockPageSchema } },
    },
    {
      method: 'GET',
      path: '/inventory/:sku',
      component: 'stock',
      access: 'public',
      summary: 'Stock of one SKU: onHand, reserved, available',
      contract: { params: bySku, responses: { 200: stockLevelSchema }, problems: [404] },
    },
    {
      method: 'POST',
      path: '/inventory/:sku/adjustments',
      component: 'stock',
      access: 'token',
      scopes: [InventoryScopes.write],
      summary: 'Adjust stock with a reason (admin)',
      contract: {
        params: bySku,
        body: adjustmentSchema,
        headers: {
          'Idempotency-Key': { description: 'Makes a retried adjustment apply once: the same key and body answer the first result.' },
        },
        responses: { 201: stockLevelSchema },
        problems: [404, 409, 422],
      },
    },
  ],
});
