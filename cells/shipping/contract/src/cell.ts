import { defineCell } from '@retail/descriptor';
import * as shippingSchemas from './schemas.ts';
import { z } from 'zod';
import {
  cancelOrderShipmentSchema,
  listShipmentsQuerySchema,
  shipmentCancelledEventSchema,
  shipmentCreatedEventSchema,
  shipmentDeliveredEventSchema,
  shipmentDispatchedEventSchema,
  shipmentPageSchema,
  shipmentSchema,
} from './schemas.ts';
import { ShippingStream, ShippingSubjects } from './subjects.ts';

const byId = z.object({ id: z.string() });

export const ShippingScopes = {
  /** Operators dispatching and delivering. */
  write: 'shipments:write',
  /** Customers reading the shipments of their own orders (the orders scope). */
  read: 'orders:read',
  /** The orders cell, cancelling the shipment of an order its customer cancels (client credentials). */
  cancel: 'shipments:cancel',
} as const;

/** The shipping cell, declared once (other cells' subjects as plain strings, so that contracts never form import cycles — choreography is circular; a test checks each against its producer). */
export const shippingCell = defineCell({
  name: 'shipping',
  summary: 'Shipments for confirmed orders: carrier, tracking number, dispatch and delivery.',
  stream: ShippingStream,
  schemas: shippingSchemas,
  events: {
    [ShippingSubjects.created]: shipmentCreatedEventSchema,
    [ShippingSubjects.dispatched]: shipmentDispatchedEventSchema,
    [ShippingSubjects.delivered]: shipmentDeliveredEventSchema,
    [ShippingSubjects.cancelled]: shipmentCancelledEventSchema,
  },
  gateway: { port: 4400 },
  components: [
    {
      name: 'shipments',
      kind: 'core',
      port: 4401,
      datastore: 'shipments.db',
      publishes: Object.values(ShippingSubjects),
      // A shipment is an order's: what happens to it goes to the orders partition that owns the order.
      addressed: Object.values(ShippingSubjects),
      summary:
        'Owns shipments (carrier, tracking number, status history); operator dispatch and delivery, optionally automatic after configurable delays.',
    },
    {
      name: 'fulfillment',
      kind: 'composite',
      port: 4402,
      consumes: [
        { stream: 'ORDERS', subject: 'orders.order.confirmed' },
        { stream: 'ORDERS', subject: 'orders.order.cancelled' },
      ],
      summary: 'Turns order events into shipment commands: create a shipment when an order is confirmed, cancel it when the order is.',
    },
  ],
  routes: [
    {
      method: 'GET',
      path: '/shipments',
      component: 'shipments',
      access: 'token',
      scopes: [ShippingScopes.read],
      summary: 'Shipments (?orderId=); customers see their own',
      contract: { query: listShipmentsQuerySchema, responses: { 200: shipmentPageSchema } },
    },
    {
      method: 'GET',
      path: '/shipments/:id',
      component: 'shipments',
      access: 'token',
      scopes: [ShippingScopes.read],
      summary: 'One shipment',
      contract: { params: byId, responses: { 200: shipmentSchema }, problems: [404] },
    },
    {
      method: 'POST',
      path: '/shipments/:id/dispatch',
      component: 'shipments',
      access: 'token',
      scopes: [ShippingScopes.write],
      summary: 'Hand to the carrier (admin)',
      contract: { params: byId, responses: { 200: shipmentSchema }, problems: [404, 409] },
    },
    {
      method: 'POST',
      path: '/shipments/:id/deliver',
      component: 'shipments',
      access: 'token',
      scopes: [ShippingScopes.write],
      summary: 'Mark delivered (admin)',
      contract: { params: byId, responses: { 200: shipmentSchema }, problems: [404, 409] },
    },
    {
      method: 'POST',
      path: '/shipments/by-order/:orderId/cancel',
      component: 'shipments',
      access: 'token',
      scopes: [ShippingScopes.cancel],
      callers: 'cell',
      summary: 'Cancel an order’s shipment unless dispatched (the orders cell)',
      contract: {
        params: z.object({ orderId: z.string() }),
        body: cancelOrderShipmentSchema,
        responses: { 200: shipmentSchema },
        problems: [404, 409],
      },
    },
  ],
});
