import type { Product } from '@retail/products-contract';
import type { CreateOrderCommand } from './commands.ts';

/**
 * An order the core accepts, as checkout sends it: Alice's 2 × KIT-PAN + 1 × KIT-KNIFE (45.00 and 89.00
 * in `exampleProducts`). For the tests of the cell's components; not part of the cell's public face (see index.ts).
 */
export const exampleOrderCommand = {
  customerId: 'user-alice',
  idempotencyKey: 'order-key-0001',
  requestHash: 'a'.repeat(64),
  lines: [
    { sku: 'KIT-PAN', quantity: 2 },
    { sku: 'KIT-KNIFE', quantity: 1 },
  ],
  shippingAddress: { name: 'Alice Doe', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
} satisfies CreateOrderCommand;

const product = (sku: string, name: string, amount: number, currency: Product['price']['currency']): Product => ({
  sku,
  name,
  description: '',
  category: 'kitchen',
  price: { amount, currency },
  imageUrl: null,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** A small catalog, as the products cell announces it (`products.product.created`): what the tests price orders with. */
export const exampleProducts: Product[] = [
  product('KIT-PAN', 'Cast Iron Pan', 4500, 'USD'),
  product('KIT-KNIFE', 'Chef Knife', 8900, 'USD'),
  product('OUT-TENT', 'Tent', 34900, 'USD'),
  product('EUR-MUG', 'Euro Mug', 1200, 'EUR'),
];
