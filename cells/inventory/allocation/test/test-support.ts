import { createEvent } from '@retail/events';
import { createHttpClient } from '@retail/http-client';
import { createLogger, serveApp } from '@retail/kernel';
import { createApp, createReservations, createStock, openOwnDatabase, openStock } from '@retail/inventory-stock';
import type { OrderCancelledEvent, OrderPlacedEvent } from '@retail/orders-contract';
import type { ShipmentDispatchedEvent } from '@retail/shipping-contract';
import { internalTestTokens } from '@retail/testing';
import { createStockCommands } from '../src/stock-commands.ts';

export const silent = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The real stock core on a real port, over an in-memory database, trusting in-memory internal keys. */
export async function startStock(levels: Record<string, number>) {
  const database = openOwnDatabase(':memory:');
  database.db.transaction((tx) => {
    for (const [sku, onHand] of Object.entries(levels)) openStock(tx, sku, onHand);
  });
  const tokens = await internalTestTokens('inventory');
  const stock = createStock(database.db);
  const app = createApp({ stock, reservations: createReservations(database.db), verifyToken: tokens.verifier, logger: silent });
  const server = await serveApp({ app, port: 0, hostname: '127.0.0.1', logger: silent });
  return {
    url: `http://127.0.0.1:${server.port}`,
    db: database.db,
    stock,
    tokens,
    /** A workload token as the cell gateway issues it to allocation. */
    workloadToken: () => tokens.sign({ sub: 'service:inventory/allocation', scopes: ['inventory:internal'] }),
    close: async () => {
      await server.close();
      database.close();
    },
  };
}

/** allocation's client for stock, with a static token source instead of the cell gateway. */
export function stockCommandsFor(url: string, token: () => Promise<string>) {
  const http = createHttpClient({ baseUrl: url, name: 'inventory stock', timeoutMs: 1_000, token });
  return { commands: createStockCommands(http), close: () => http.close() };
}

const address = { name: 'Ada Lovelace', line1: '1 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' };

/** An order's events come from the orders partition that owns it (`orders-1` unless told), addressed to it. */
export const orderPlaced = (orderId: string, lines: Array<{ sku: string; quantity: number }>, partition = 'orders-1') =>
  createEvent<OrderPlacedEvent>({
    source: `/cells/${partition}/orders`,
    partition,
    type: 'orders.order.placed',
    subject: orderId,
    data: { orderId, customerId: 'user-ada', lines, total: 1000, currency: 'USD', shippingAddress: address },
  });

export const orderCancelled = (orderId: string, partition = 'orders-1') =>
  createEvent<OrderCancelledEvent>({
    source: `/cells/${partition}/orders`,
    partition,
    type: 'orders.order.cancelled',
    subject: orderId,
    data: { orderId, previousStatus: 'CONFIRMED' },
  });

/** A shipment's events go to the orders partition that owns its order. */
export const shipmentDispatched = (orderId: string, lines: Array<{ sku: string; quantity: number }>, partition = 'orders-1') =>
  createEvent<ShipmentDispatchedEvent>({
    source: '/cells/shipping/shipments',
    partition,
    type: 'shipping.shipment.dispatched',
    subject: `shp-${orderId}`,
    data: { shipmentId: `shp-${orderId}`, orderId, lines, carrier: 'DHL', trackingNumber: 'JD0001' },
  });
