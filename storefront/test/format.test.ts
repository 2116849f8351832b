import { describe, expect, it } from 'vitest';
import { availabilityLabel, displayableImage, isCancellable, isFinal, money } from '../public/js/format.js';

describe('what the shop shows', () => {
  it('prices from minor units', () => {
    expect(money(8900, 'USD')).toBe('$89.00');
    expect(money(1999, 'EUR')).toBe('€19.99');
  });

  it('availability, and whether it can be ordered', () => {
    expect(availabilityLabel({ status: 'low_stock', available: 2 })).toEqual({ text: 'Only 2 left', tone: 'warn', orderable: true });
    expect(availabilityLabel({ status: 'out_of_stock', available: 0 }).orderable).toBe(false);
    expect(availabilityLabel({ status: 'unknown', available: null }).text).toBe('Availability unknown');
  });

  it('which orders can still change or be cancelled', () => {
    expect(['PENDING', 'CONFIRMED', 'SHIPPED'].map(isFinal)).toEqual([false, false, false]);
    expect(['DELIVERED', 'REJECTED', 'CANCELLED'].map(isFinal)).toEqual([true, true, true]);
    expect(['PENDING', 'CONFIRMED', 'SHIPPED'].map(isCancellable)).toEqual([true, true, false]);
  });

  it('no images from reserved example domains, which never resolve', () => {
    expect(displayableImage('https://images.example.com/products/kit-chef-knife.jpg')).toBeNull();
    expect(displayableImage('https://cdn.shop.test/a.jpg')).toBeNull();
    expect(displayableImage('not a url')).toBeNull();
    expect(displayableImage('https://cdn.retail-shop.io/a.jpg')).toBe('https://cdn.retail-shop.io/a.jpg');
  });
});
