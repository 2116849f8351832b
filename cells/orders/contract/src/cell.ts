import { defineCell } from '@retail/descriptor';
import { ProductScopes } from '@retail/products-contract';
import { OrderSubjects, OrdersStream } from './subjects.ts';

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
  summary: 'Customer orders: checkout with authoritative prices, and the order’s life through the saga.',
  stream: OrdersStream,
  gateway: { port: 4200 },
  // Several complete copies, each serving the customers placement gives it (README.md, "Two kinds of cells");
  // ORDERS_PARTITIONS raises it. orders-1 listens on 4200–4202, orders-2… on 4600–4602, 4610–4612, …: ten
  // ports apart from 4200 on, orders-3 would meet NATS's standard port (4222) and orders-6 npm start's (4250).
  partitions: { key: 'customer', count: 2, ports: 4600 },
  // Shipping's scope as a plain string (its contract imports this one); compose/src/topology.test.ts checks it.
  clientScopes: [ProductScopes.readPrices, 'shipments:cancel'],
  components: [
    {
      name: 'orders',
      kind: 'core',
      port: 4201,
      datastore: 'orders.db',
      publishes: Object.values(OrderSubjects),
      summary:
        'Owns the order aggregate and its state machine (PENDING → CONFIRMED → SHIPPED → DELIVERED, REJECTED, CANCELLED), with status history.',
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
      calls: ['products', 'shipping'],
      summary:
        'Places orders: validates lines, prices them through the products gateway (timeout, circuit breaker), has orders store them; cancels them, a confirmed one only once the shipping cell has cancelled its shipment; moves orders along on inventory and shipping events.',
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
    },
    {
      method: 'GET',
      path: '/orders',
      component: 'orders',
      access: 'token',
      scopes: [OrderScopes.read],
      summary: 'The caller’s orders, newest first, paged',
    },
    {
      method: 'GET',
      path: '/orders/:id',
      component: 'orders',
      access: 'token',
      scopes: [OrderScopes.read],
      summary: 'One of the caller’s orders',
    },
    {
      method: 'POST',
      path: '/orders/:id/cancel',
      component: 'checkout',
      access: 'token',
      scopes: [OrderScopes.write],
      summary: 'Cancel before dispatch',
    },
  ],
});
