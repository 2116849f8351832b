import { expect, it } from 'vitest';
import { CARRIERS, carrierFor, trackingNumberFor, upsCheckDigit } from './carriers.ts';

it('always picks the same carrier for the same order, and uses every carrier', () => {
  const orders = Array.from({ length: 60 }, (_, i) => `order-${i}`);
  expect(orders.map(carrierFor)).toEqual(orders.map(carrierFor));
  expect(new Set(orders.map(carrierFor))).toEqual(new Set(CARRIERS));
});

it('makes tracking numbers in each carrier’s format', () => {
  expect(trackingNumberFor('UPS')).toMatch(/^1Z[0-9A-Z]{6}\d{10}$/);
  expect(trackingNumberFor('DHL')).toMatch(/^[1-9]\d{9}$/);
  expect(trackingNumberFor('FedEx')).toMatch(/^[1-9]\d{11}$/);
  const many = new Set(Array.from({ length: 200 }, () => trackingNumberFor('UPS')));
  expect(many.size).toBe(200);
});

it('computes the UPS check digit as UPS does', () => {
  // 1Z999AA10123456784 is UPS's published sample tracking number.
  expect(upsCheckDigit('999AA1012345678')).toBe(4);
  const ups = trackingNumberFor('UPS');
  expect(upsCheckDigit(ups.slice(2, 17))).toBe(Number(ups.at(-1)));
});
