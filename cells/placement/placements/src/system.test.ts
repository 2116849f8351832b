import { expect, it } from 'vitest';
import { systemCells } from '@retail/topology';
import { partitionedCells } from './system.ts';

it('finds the partitioned cells of the running system with their partitions, as many as configured', () => {
  expect(partitionedCells(systemCells({}))).toEqual([{ cell: 'orders', key: 'customer', partitions: ['orders-1', 'orders-2'] }]);
  expect(partitionedCells(systemCells({ ORDERS_PARTITIONS: '3' }))[0]!.partitions).toEqual(['orders-1', 'orders-2', 'orders-3']);
});
