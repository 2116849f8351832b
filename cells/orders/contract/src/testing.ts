import type { CreateOrderCommand } from './commands.ts';

/**
 * A priced order the core accepts, as checkout sends it: Alice's 2 × KIT-PAN at 45.00 + 1 × KIT-KNIFE at
 * 89.00. For the tests of the cell's components; not part of the cell's public face (see index.ts).
 */
export const examplePricedOrder = {
  customerId: 'user-alice',
  idempotencyKey: 'order-key-0001',
  requestHash: 'a'.repeat(64),
  lines: [
    { sku: 'KIT-PAN', name: 'Cast Iron Pan', quantity: 2, unitPrice: 4500, lineTotal: 9000 },
    { sku: 'KIT-KNIFE', name: 'Chef Knife', quantity: 1, unitPrice: 8900, lineTotal: 8900 },
  ],
  total: 17900,
  currency: 'USD',
  shippingAddress: { name: 'Alice Doe', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
} satisfies CreateOrderCommand;
