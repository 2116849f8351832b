import { describe, expect, it } from 'vitest';
import { defineCell } from './descriptor.ts';
import {
  addressed,
  cellInstances,
  consumptionsOf,
  instanceName,
  ownSubjects,
  partitionCount,
  partitionOf,
  unaddressed,
} from './partitions.ts';
import { deadLetterSubject, durableName } from './derive.ts';

const orders = defineCell({
  name: 'orders',
  summary: 'partitioned',
  stream: 'ORDERS',
  gateway: { port: 4200 },
  partitions: { key: 'customer', count: 2 },
  components: [
    { name: 'orders', kind: 'core', port: 4201, publishes: ['orders.order.placed'], summary: 'core' },
    {
      name: 'checkout',
      kind: 'composite',
      port: 4202,
      consumes: [
        { stream: 'STOCK', subject: 'stock.reservation.confirmed' },
        { stream: 'STOCK', subject: 'stock.reservation.rejected' },
      ],
      summary: 'reads answers',
    },
  ],
  routes: [],
});
const stock = defineCell({
  name: 'stock',
  summary: 'global',
  stream: 'STOCK',
  gateway: { port: 4300 },
  components: [
    {
      name: 'allocation',
      kind: 'core',
      port: 4301,
      publishes: ['stock.reservation.confirmed', 'stock.reservation.rejected', 'stock.level.changed'],
      addressed: ['stock.reservation.confirmed', 'stock.reservation.rejected'],
      consumes: [
        { stream: 'ORDERS', subject: 'orders.order.placed' },
        { stream: 'STOCK', subject: 'stock.reservation.confirmed' },
      ],
      summary: 'answers orders',
    },
  ],
  routes: [],
});

describe('partitioned cells', () => {
  it('run as copies with their own name, stream, ports, subjects, durables and dead letters', () => {
    const system = cellInstances([orders, stock], { ORDERS_PARTITIONS: '3' });
    expect(system.map(instanceName)).toEqual(['orders-1', 'orders-2', 'orders-3', 'stock']);
    const second = system[1]!;
    expect(second.stream).toBe('ORDERS_2');
    expect(second.gateway.port).toBe(4210);
    expect(second.components.map((c) => c.port)).toEqual([4211, 4212]);
    // With a range of their own, partitions 2… listen there, ten ports apart.
    const ranged = cellInstances([{ ...orders, partitions: { key: 'customer', count: 3, ports: 4600 } }]);
    expect(ranged.map((p) => [p.gateway.port, ...p.components.map((c) => c.port)])).toEqual([
      [4200, 4201, 4202],
      [4600, 4601, 4602],
      [4610, 4611, 4612],
    ]);
    expect(ownSubjects(second)).toBe('orders.orders-2.>');
    expect(ownSubjects(stock)).toBe('stock.>');
    expect(durableName(second, 'checkout')).toBe('orders-2-checkout');
    expect(deadLetterSubject(second, 'checkout')).toBe('orders.orders-2.dlq.checkout');
  });

  it('take their count from the descriptor unless <CELL>_PARTITIONS says otherwise, and refuse a bad one', () => {
    expect(partitionCount(orders)).toBe(2);
    expect(partitionCount(orders, { ORDERS_PARTITIONS: '4' })).toBe(4);
    expect(partitionCount(stock, { STOCK_PARTITIONS: '4' })).toBe(1);
    expect(() => partitionCount(orders, { ORDERS_PARTITIONS: '0' })).toThrow(/ORDERS_PARTITIONS must be a whole number from 1 to 9/);
    expect(() => partitionCount(orders, { ORDERS_PARTITIONS: 'two' })).toThrow(/not two/);
  });

  it('refuses a partition the cell does not have, naming the ones it has', () => {
    expect(() => partitionOf(orders, 'orders-3', 2)).toThrow('orders-3 is not a partition of the orders cell (it has orders-1, orders-2)');
    expect(() => partitionOf(stock, 'stock-1', 1)).toThrow(/not partitioned/);
  });

  it('address events to a partition as the second subject token, and handlers see the plain subject', () => {
    expect(addressed('stock.reservation.confirmed', 'orders-2')).toBe('stock.orders-2.reservation.confirmed');
    expect(unaddressed('stock.orders-2.reservation.confirmed')).toBe('stock.reservation.confirmed');
    expect(unaddressed('orders.orders-1.order.placed')).toBe('orders.order.placed');
    expect(unaddressed('stock.level.changed')).toBe('stock.level.changed');
  });

  it('derive consumers: one per partition stream for a global reader, only its own answers for a partition', () => {
    const system = cellInstances([orders, stock]);
    expect(consumptionsOf(stock, 'allocation', system)).toEqual([
      { stream: 'ORDERS_1', durable: 'stock-allocation', subjects: ['orders.orders-1.order.placed'] },
      { stream: 'ORDERS_2', durable: 'stock-allocation', subjects: ['orders.orders-2.order.placed'] },
      { stream: 'STOCK', durable: 'stock-allocation', subjects: ['stock.*.reservation.confirmed'] },
    ]);
    expect(consumptionsOf(system[1]!, 'checkout', system)).toEqual([
      {
        stream: 'STOCK',
        durable: 'orders-2-checkout',
        subjects: ['stock.orders-2.reservation.confirmed', 'stock.orders-2.reservation.rejected'],
      },
    ]);
  });

  it('refuse a descriptor that addresses a subject it does not publish', () => {
    expect(() =>
      defineCell({
        ...stock,
        components: [{ ...stock.components[0], addressed: ['stock.level.vanished'] }],
      }),
    ).toThrow('stock.allocation addresses stock.level.vanished to partitions but does not publish it');
  });
});
