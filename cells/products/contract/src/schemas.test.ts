import { expect, it } from 'vitest';
import { createProductSchema, listProductsQuerySchema, updateProductSchema } from './schemas.ts';

const lamp = { sku: 'HOM-LAMP-1', name: 'Lamp', category: 'home', price: { amount: 1999, currency: 'USD' } };

it('fills optional fields on create, but a patch carries only what was sent', () => {
  expect(createProductSchema.parse(lamp)).toMatchObject({ description: '', imageUrl: null });
  expect(updateProductSchema.parse({ name: 'New name' })).toEqual({ name: 'New name' });
});

it('keeps money in integer minor units', () => {
  expect(createProductSchema.safeParse({ ...lamp, price: { amount: 19.99, currency: 'USD' } }).success).toBe(false);
  expect(createProductSchema.safeParse({ ...lamp, price: { amount: 0, currency: 'USD' } }).success).toBe(true);
});

it('coerces paging from the query string and bounds it', () => {
  expect(listProductsQuerySchema.parse({ page: '2', pageSize: '50' })).toMatchObject({ page: 2, pageSize: 50, sort: 'name' });
  expect(listProductsQuerySchema.safeParse({ pageSize: '101' }).success).toBe(false);
});
