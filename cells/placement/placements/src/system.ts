import type { CellDescriptor } from '@retail/descriptor';

/** A partitioned cell as the running system has it: its name, its partition key and its partitions' names. */
export interface PartitionedCell {
  cell: string;
  key: 'customer';
  partitions: readonly string[];
}

/**
 * The partitioned cells of a running system (`systemCells` of @retail/topology, where each partition is a
 * cell of its own), in the system's order, each with its partitions in order.
 *
 * @example
 * partitionedCells(systemCells({ ORDERS_PARTITIONS: '3' })); // [{ cell: 'orders', key: 'customer', partitions: ['orders-1', 'orders-2', 'orders-3'] }]
 */
export function partitionedCells(system: readonly CellDescriptor[]): PartitionedCell[] {
  const byCell = new Map<string, { cell: string; key: 'customer'; partitions: string[] }>();
  for (const instance of system) {
    if (!instance.partition || !instance.partitions) continue;
    const entry = byCell.get(instance.name) ?? { cell: instance.name, key: instance.partitions.key, partitions: [] };
    entry.partitions.push(instance.partition);
    byCell.set(instance.name, entry);
  }
  return [...byCell.values()];
}
