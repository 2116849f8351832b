import { expect, it } from 'vitest';
import { coveringFilter } from './durables.ts';

it('covers the handled subjects with the narrowest single filter nats-server 2.9 accepts', () => {
  expect(coveringFilter(['products.product.created'])).toBe('products.product.created');
  expect(coveringFilter(['products.product.created', 'products.product.deleted'])).toBe('products.product.*');
  expect(coveringFilter(['shipping.shipment.dispatched', 'orders.order.placed'].filter((s) => s.startsWith('orders')))).toBe(
    'orders.order.placed',
  );
  expect(coveringFilter(['orders.order.placed', 'orders.payment.failed'])).toBe('orders.>');
});
