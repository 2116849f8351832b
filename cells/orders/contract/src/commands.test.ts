import { expect, it } from 'vitest';
import { createOrderCommandSchema, orderTransitionCommandSchema } from './commands.ts';
import { examplePricedOrder } from './testing.ts';

const command = examplePricedOrder;
const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((i) => i.path.join('.'));

it('accepts a priced order whose totals add up', () => {
  expect(createOrderCommandSchema.safeParse(command).success).toBe(true);
});

it('refuses line totals and order totals that do not add up, naming the field', () => {
  const wrongLine = { ...command, lines: [{ ...command.lines[0]!, lineTotal: 8999 }, command.lines[1]!], total: 17899 };
  expect(paths(createOrderCommandSchema.safeParse(wrongLine))).toEqual(['lines.0.lineTotal']);
  expect(paths(createOrderCommandSchema.safeParse({ ...command, total: 1 }))).toEqual(['total']);
});

it('refuses a request hash that is not a hex sha256', () => {
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
