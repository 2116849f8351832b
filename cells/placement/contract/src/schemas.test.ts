import { expect, it } from 'vitest';
import { assignmentRequestSchema, customerIdSchema, placementOverrideSchema } from './schemas.ts';

it('accepts the customer ids the token service issues and refuses anything path-like or blank', () => {
  for (const id of ['user-alice', 'user-3f1c2a9e-0b7d-4c55-9f0e-2d6f8e1b7a10']) expect(customerIdSchema.safeParse(id).success).toBe(true);
  for (const id of ['', ' user', 'a/b', '../x', 'x'.repeat(129)]) expect(customerIdSchema.safeParse(id).success, id).toBe(false);
});

it('takes only partition names and known fields', () => {
  expect(placementOverrideSchema.safeParse({ partition: 'orders-2' }).success).toBe(true);
  expect(placementOverrideSchema.safeParse({ partition: 'orders' }).success).toBe(false);
  expect(assignmentRequestSchema.safeParse({ cell: 'orders', customerId: 'user-bob', extra: 1 }).success).toBe(false);
});
