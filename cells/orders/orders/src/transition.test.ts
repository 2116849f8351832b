import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ORDER_STATUSES, ORDER_TRANSITIONS, type OrderStatus } from '@retail/orders-contract';
import { openOwnDatabase } from './db/open.ts';
import { orderHistory, orders } from './db/schema.ts';
import { IllegalTransitionError } from './errors.ts';
import { transition, type OrderRow } from './transition.ts';

let database: ReturnType<typeof openOwnDatabase>;
beforeEach(() => {
  database = openOwnDatabase(':memory:');
});
afterEach(() => database.close());

function orderIn(status: OrderStatus): OrderRow {
  const now = new Date().toISOString();
  return database.db
    .insert(orders)
    .values({
      id: randomUUID(),
      customerId: 'user-alice',
      status,
      lines: [{ sku: 'KIT-PAN', name: 'Pan', quantity: 1, unitPrice: 100, lineTotal: 100, productVersion: 1 }],
      total: 100,
      currency: 'USD',
      shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '12345', country: 'US' },
      idempotencyKey: randomUUID(),
      requestHash: 'a'.repeat(64),
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));

it.each(pairs)('%s → %s is allowed exactly when the state machine lists it', (from, to) => {
  const order = orderIn(from);
  const legal = ORDER_TRANSITIONS[from].includes(to);
  const attempt = () => database.db.transaction((tx) => transition(tx, order, to, 'test'));
  if (legal) {
    expect(attempt().status).toBe(to);
    expect(database.db.select().from(orderHistory).all()).toEqual([
      expect.objectContaining({ orderId: order.id, status: to, reason: 'test' }),
    ]);
  } else {
    expect(attempt).toThrow(IllegalTransitionError);
    expect(database.db.select().from(orderHistory).all()).toHaveLength(0);
  }
});

it('never lets a stale read overwrite a newer status', () => {
  const order = orderIn('PENDING');
  database.db.transaction((tx) => transition(tx, order, 'CANCELLED'));
  // `order` still says PENDING: confirming from that stale copy must not resurrect the cancelled order.
  expect(() => database.db.transaction((tx) => transition(tx, order, 'CONFIRMED'))).toThrow(IllegalTransitionError);
  expect(database.db.select().from(orders).get()?.status).toBe('CANCELLED');
  expect(
    database.db
      .select()
      .from(orderHistory)
      .all()
      .map((h) => h.status),
  ).toEqual(['CANCELLED']);
});
