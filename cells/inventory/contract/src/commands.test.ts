import { expect, it } from 'vitest';
import { commandKeySchema, orderIdSchema, reservationAnswerSchema, reserveStockSchema } from './commands.ts';

it('accepts the order ids and event ids the other cells produce, and refuses what cannot sit in a path or header', () => {
  expect(orderIdSchema.safeParse('3f0b9d4e-5a61-4c1f-9a3e-0d2c8b7e6f15').success).toBe(true);
  expect(orderIdSchema.safeParse('order/1').success).toBe(false);
  expect(orderIdSchema.safeParse('order 1').success).toBe(false);
  expect(orderIdSchema.safeParse('').success).toBe(false);
  expect(commandKeySchema.safeParse('3f0b9d4e-5a61-4c1f-9a3e-0d2c8b7e6f15').success).toBe(true);
  expect(commandKeySchema.safeParse('short').success).toBe(false);
});

it('takes a reservation of at least one whole, positive quantity per line, for an order of a named partition, and nothing else', () => {
  const valid = { orderId: 'o-1', partition: 'orders-2', lines: [{ sku: 'KIT-PAN', quantity: 2 }] };
  expect(reserveStockSchema.parse(valid)).toEqual(valid);
  const { partition: _, ...unaddressed } = valid;
  expect(reserveStockSchema.safeParse(unaddressed).error?.issues.map((i) => i.path.join('.'))).toEqual(['partition']);
  for (const partition of ['orders', 'orders-0', 'Orders-1', 'orders-10'])
    expect(reserveStockSchema.safeParse({ ...valid, partition }).error?.issues[0]?.message).toBe(
      'partition: the name of an orders partition, e.g. orders-1',
    );
  expect(reserveStockSchema.safeParse({ ...valid, lines: [] }).success).toBe(false);
  expect(reserveStockSchema.safeParse({ ...valid, lines: [{ sku: 'KIT-PAN', quantity: 0 }] }).success).toBe(false);
  expect(reserveStockSchema.safeParse({ ...valid, lines: [{ sku: 'KIT-PAN', quantity: 1, price: 5 }] }).success).toBe(false);
  expect(reserveStockSchema.safeParse({ ...valid, customerId: 'c' }).success).toBe(false);
});

it('answers with a reservation status, or NONE when there is no reservation', () => {
  expect(reservationAnswerSchema.parse({ orderId: 'o-1', status: 'NONE' }).status).toBe('NONE');
  expect(reservationAnswerSchema.safeParse({ orderId: 'o-1', status: 'PENDING' }).success).toBe(false);
});
