import { expect, it } from 'vitest';
import { createOrderCommandSchema, orderTransitionCommandSchema } from './commands.ts';
import { exampleOrderCommand } from './testing.ts';

const command = exampleOrderCommand;
const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((i) => i.path.join('.'));

it('accepts the customer’s lines unpriced: the core prices them', () => {
  expect(createOrderCommandSchema.safeParse(command).success).toBe(true);
});

it('refuses prices sent along, a SKU twice, and a request hash that is not a hex sha256, naming the field', () => {
  const priced = { ...command, lines: [{ ...command.lines[0]!, unitPrice: 1 }] };
  expect(createOrderCommandSchema.safeParse(priced).success).toBe(false);
  expect(createOrderCommandSchema.safeParse({ ...command, total: 1 }).success).toBe(false);
  expect(paths(createOrderCommandSchema.safeParse({ ...command, lines: [command.lines[0]!, command.lines[0]!] }))).toEqual(['lines']);
  expect(paths(createOrderCommandSchema.safeParse({ ...command, requestHash: 'not-a-hash' }))).toEqual(['requestHash']);
});

it('needs the shipment details to ship and a reason to reject, and never cancels', () => {
  expect(orderTransitionCommandSchema.safeParse({ to: 'CONFIRMED' }).success).toBe(true);
  expect(orderTransitionCommandSchema.safeParse({ to: 'SHIPPED', shipmentId: 's-1', carrier: 'UPS', trackingNumber: '1Z' }).success).toBe(
    true,
  );
  expect(paths(orderTransitionCommandSchema.safeParse({ to: 'SHIPPED', carrier: 'UPS', trackingNumber: '1Z' }))).toEqual(['shipmentId']);
  expect(paths(orderTransitionCommandSchema.safeParse({ to: 'REJECTED' }))).toEqual(['reason']);
  expect(orderTransitionCommandSchema.safeParse({ to: 'CANCELLED' }).success).toBe(false);
});
