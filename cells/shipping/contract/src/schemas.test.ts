import { expect, it } from 'vitest';
import {
  commandIdempotencyKeySchema,
  createShipmentCommandSchema,
  listShipmentsQuerySchema,
  SHIPMENT_TRANSITIONS,
  ShipmentCommands,
} from './schemas.ts';

const command = {
  orderId: 'order-1',
  partition: 'orders-2',
  customerId: 'user-alice',
  address: { name: 'Alice', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
  lines: [{ sku: 'KIT-CHEF-KNIFE', quantity: 2 }],
};

it('accepts the create-shipment command fulfillment builds from orders.order.confirmed, and nothing looser', () => {
  expect(createShipmentCommandSchema.parse(command)).toEqual(command);
  const { partition: _, ...unaddressed } = command;
  expect(createShipmentCommandSchema.safeParse(unaddressed).error?.issues.map((i) => i.path.join('.'))).toEqual(['partition']);
  for (const partition of ['orders', 'orders-0', 'ORDERS-1', 'orders-1.x'])
    expect(createShipmentCommandSchema.safeParse({ ...command, partition }).error?.issues[0]?.message).toBe(
      'partition: the name of an orders partition, e.g. orders-1',
    );
  expect(createShipmentCommandSchema.safeParse({ ...command, lines: [] }).success).toBe(false);
  expect(createShipmentCommandSchema.safeParse({ ...command, carrier: 'UPS' }).success).toBe(false);
  expect(createShipmentCommandSchema.safeParse({ ...command, lines: [...command.lines, ...command.lines] }).success).toBe(false);
});

it('puts an order id safely into the cancel command’s path', () => {
  expect(ShipmentCommands.cancelByOrder('order-1')).toBe('/internal/shipments/by-order/order-1/cancel');
  expect(ShipmentCommands.cancelByOrder('a/b?c')).toBe('/internal/shipments/by-order/a%2Fb%3Fc/cancel');
});

it('takes event ids as Idempotency-Keys', () => {
  expect(commandIdempotencyKeySchema.safeParse('0b7f5c1e-3d7c-4a55-9a7e-1f0e5c2b9d11').success).toBe(true);
  expect(commandIdempotencyKeySchema.safeParse('short').success).toBe(false);
});

it('lets a shipment be cancelled only before dispatch, and ends at DELIVERED or CANCELLED', () => {
  expect(SHIPMENT_TRANSITIONS.PENDING).toContain('CANCELLED');
  expect(SHIPMENT_TRANSITIONS.DISPATCHED).not.toContain('CANCELLED');
  expect(SHIPMENT_TRANSITIONS.DELIVERED).toEqual([]);
  expect(listShipmentsQuerySchema.parse({ page: '2' })).toEqual({ page: 2, pageSize: 20 });
});
