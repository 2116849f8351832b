import { createLogger } from '@retail/kernel';
import { appCaller, internalTestTokens } from '@retail/testing';
import type { CreateShipmentCommand } from '@retail/shipping-contract';
import { createApp } from '../src/app.ts';
import { openOwnDatabase } from '../src/db/open.ts';
import { createShipments, type ShipmentsOptions } from '../src/shipments.ts';

/** A valid create-shipment command for `orderId`, owned by `customerId`, whose order the orders partition `partition` owns. */
export const shipmentCommand = (orderId: string, customerId = 'user-alice', partition = 'orders-1'): CreateShipmentCommand => ({
  orderId,
  partition,
  customerId,
  address: { name: 'Alice Example', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
  lines: [
    { sku: 'KIT-CHEF-KNIFE', quantity: 2 },
    { sku: 'OUT-HEADLAMP', quantity: 1 },
  ],
});

/** The real app over an in-memory database and in-memory internal keys, for `app.request()` tests. */
export async function shipmentsTestApp(options: ShipmentsOptions = {}, file = ':memory:') {
  const database = openOwnDatabase(file);
  const tokens = await internalTestTokens('shipping');
  const shipments = createShipments(database.db, options);
  const app = createApp({ shipments, verifyToken: tokens.verifier, logger: createLogger({ name: 'test', level: 'silent' }) });
  const operator = await tokens.sign({ sub: 'user-operator', scopes: ['shipments:write', 'orders:read'] });
  const admin = await tokens.sign({ sub: 'user-admin', scopes: ['orders:read', 'orders:admin'] });
  const alice = await tokens.sign({ sub: 'user-alice', scopes: ['orders:read', 'orders:write'] });
  const bob = await tokens.sign({ sub: 'user-bob', scopes: ['orders:read', 'orders:write'] });
  const fulfillment = await tokens.sign({ sub: 'service:shipping/fulfillment', scopes: ['shipping:internal'] });
  // What the gateway forwards for the orders cell's client-credentials token.
  const ordersCell = await tokens.sign({ sub: 'client:orders', scopes: ['shipments:cancel'] });

  const call = appCaller(() => app);

  return { app, db: database.db, shipments, tokens, operator, admin, alice, bob, fulfillment, ordersCell, call, close: database.close };
}
