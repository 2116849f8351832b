import { expect, it } from 'vitest';
import { mayView } from './viewer.ts';

it('lets a customer see only their own records and an operator everyone’s', () => {
  expect(mayView({ customerId: 'alice', operator: false }, 'alice')).toBe(true);
  expect(mayView({ customerId: 'alice', operator: false }, 'bob')).toBe(false);
  expect(mayView({ customerId: 'admin', operator: true }, 'bob')).toBe(true);
});
