import { describe, expect, it } from 'vitest';
import { createCart } from '../public/js/cart.js';
import { memoryStorage } from './memory-storage.ts';

const knife = { sku: 'KIT-CHEF-KNIFE', name: 'Chef’s Knife', price: { amount: 8900, currency: 'USD' } };
const socks = { sku: 'APP-WOOL-SOCKS', name: 'Socks', price: { amount: 2900, currency: 'USD' } };

describe('the cart', () => {
  it('survives a reload: a new cart on the same storage has the same lines', () => {
    const storage = memoryStorage();
    const cart = createCart(storage);
    cart.add(knife);
    cart.add(socks, 2);
    cart.add(knife);
    const reloaded = createCart(storage);
    expect(reloaded.lines().map((l) => [l.sku, l.quantity])).toEqual([
      ['KIT-CHEF-KNIFE', 2],
      ['APP-WOOL-SOCKS', 2],
    ]);
    expect(reloaded.count()).toBe(4);
    expect(reloaded.total()).toEqual({ amount: 2 * 8900 + 2 * 2900, currency: 'USD' });
  });

  it('keeps quantities within what the API accepts (1–100 a line)', () => {
    const cart = createCart(memoryStorage());
    cart.add(knife, 250);
    expect(cart.lines()[0]!.quantity).toBe(100);
    cart.setQuantity(knife.sku, 0);
    expect(cart.lines()[0]!.quantity).toBe(1);
    cart.setQuantity(knife.sku, Number.NaN);
    expect(cart.lines()[0]!.quantity).toBe(1);
  });

  it('has no total for mixed currencies, and none when empty', () => {
    const cart = createCart(memoryStorage());
    expect(cart.total()).toBeNull();
    cart.add(knife);
    cart.add({ sku: 'EU-THING', name: 'Thing', price: { amount: 100, currency: 'EUR' } });
    expect(cart.total()).toBeNull();
  });

  it('treats damaged storage as an empty cart instead of breaking the shop', () => {
    expect(createCart(memoryStorage({ 'retail.cart': '{not json' })).lines()).toEqual([]);
    const mixed = createCart(memoryStorage({ 'retail.cart': JSON.stringify([{ sku: 'X' }, { ...knife, quantity: 1 }, 'junk']) }));
    expect(mixed.lines().map((l) => l.sku)).toEqual(['KIT-CHEF-KNIFE']);
  });

  it('tells its listeners about every change, and forgets the storage key when emptied', () => {
    const storage = memoryStorage();
    const cart = createCart(storage);
    let changes = 0;
    cart.subscribe(() => changes++);
    cart.add(knife);
    cart.remove(knife.sku);
    expect(changes).toBe(2);
    expect(storage.items.has('retail.cart')).toBe(false);
  });
});
