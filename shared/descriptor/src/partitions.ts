import type { CellDescriptor } from './descriptor.ts';

/**
 * Partitioned cells (README.md, "Two kinds of cells"). A partitioned cell runs as several complete copies; each is a
 * cell descriptor of its own (`partitionOf`) whose identity is its partition name, `orders-2`: its NATS
 * user, durable consumers, client id, workload secrets and data folder are named after it, and its
 * stream is `ORDERS_2`. Events about what a partition owns carry the partition as their subject's second
 * token (`orders.orders-2.order.placed`, `inventory.orders-2.reservation.confirmed`), so that each
 * partition receives only its own and never discards another's; handlers keep the plain subject
 * (`unaddressed`).
 */

/** Ports of partition n are the descriptor's plus (n-1)·10, hence at most nine partitions. */
export const MAX_PARTITIONS = 9;
const PORT_STEP = 10;

/** `orders`, 2 → `orders-2`. */
export const partitionName = (cell: string, index: number) => `${cell}-${index}`;

/** `orders` → `ORDERS_PARTITIONS`: the setting that says how many partitions a partitioned cell runs. */
export const partitionCountVar = (cell: string) => `${cell.replace(/-/g, '_').toUpperCase()}_PARTITIONS`;

/** `orders-2`: a partition name (a cell name, a dash, a digit). */
const PARTITION_TOKEN = /^[a-z][a-z0-9]*-[1-9]$/;
export const isPartitionName = (token: string) => PARTITION_TOKEN.test(token);

/** How many partitions a cell runs: `<CELL>_PARTITIONS` from `env`, else its descriptor's count; 1 for a global cell. */
export function partitionCount(cell: CellDescriptor, env: Record<string, string | undefined> = {}): number {
  if (!cell.partitions) return 1;
  const raw = env[partitionCountVar(cell.name)];
  if (raw === undefined || raw === '') return cell.partitions.count;
  const count = Number(raw);
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_PARTITIONS))
    throw new Error(`${partitionCountVar(cell.name)} must be a whole number from 1 to ${MAX_PARTITIONS}, not ${raw}`);
  return count;
}

/** The names of a partitioned cell's partitions, `orders-1` … `orders-<count>`. */
export const partitionNames = (cell: CellDescriptor, count: number): string[] =>
  Array.from({ length: count }, (_, i) => partitionName(cell.name, i + 1));

/**
 * One partition of a partitioned cell, as a cell descriptor: the same components and routes, its own
 * stream and ports. Throws for a name that is not one of the cell's partitions (`count` of them).
 */
export function partitionOf(cell: CellDescriptor, partition: string, count: number): CellDescriptor {
  const index = partitionNames(cell, count).indexOf(partition);
  if (!cell.partitions || index < 0)
    throw new Error(
      cell.partitions
        ? `${partition} is not a partition of the ${cell.name} cell (it has ${partitionNames(cell, count).join(', ')})`
        : `the ${cell.name} cell is not partitioned, so it has no partition ${partition}`,
    );
  const { ports } = cell.partitions;
  const shift = index === 0 || ports === undefined ? index * PORT_STEP : ports + (index - 1) * PORT_STEP - cell.gateway.port;
  return {
    ...cell,
    partition,
    stream: `${cell.stream}_${index + 1}`,
    gateway: { port: cell.gateway.port + shift },
    components: cell.components.map((c) => ({ ...c, port: c.port + shift })),
  };
}

/** What runs: every global cell as itself, every partitioned cell as its partitions. */
export function cellInstances(cells: readonly CellDescriptor[], env: Record<string, string | undefined> = {}): CellDescriptor[] {
  return cells.flatMap((cell) =>
    cell.partitions && !cell.partition
      ? partitionNames(cell, partitionCount(cell, env)).map((p) => partitionOf(cell, p, partitionCount(cell, env)))
      : [cell],
  );
}

/** The name a running cell goes by: its partition's (`orders-2`) or its own (`products`). */
export const instanceName = (cell: CellDescriptor) => cell.partition ?? cell.name;

/** `inventory.reservation.confirmed`, `orders-2` → `inventory.orders-2.reservation.confirmed`. */
export function addressed(subject: string, partition: string): string {
  const dot = subject.indexOf('.');
  return `${subject.slice(0, dot)}.${partition}.${subject.slice(dot + 1)}`;
}

/** The subject as handlers know it: `orders.orders-2.order.placed` → `orders.order.placed`. */
export function unaddressed(subject: string): string {
  const first = subject.indexOf('.');
  const second = subject.indexOf('.', first + 1);
  return second > 0 && isPartitionName(subject.slice(first + 1, second)) ? subject.slice(0, first) + subject.slice(second) : subject;
}

/** The subjects a running cell publishes on: `orders.orders-2.>` for a partition, `products.>` otherwise. */
export const ownSubjects = (cell: CellDescriptor) => (cell.partition ? `${cell.name}.${cell.partition}.>` : `${cell.name}.>`);

/** The stream a consumer declares for a partition's events: `ORDERS` for `ORDERS_2`. */
const declaredStream = (cell: CellDescriptor) => (cell.partition ? cell.stream.replace(/_\d$/, '') : cell.stream);

/** One durable consumer of a running component: where it reads, under which name, which subjects (as on the wire). */
export interface Consumption {
  stream: string;
  durable: string;
  /** Wire subjects, e.g. `orders.orders-2.order.placed`, `inventory.orders-1.reservation.*`, `shipping.*.shipment.dispatched`. */
  subjects: string[];
}

/**
 * The durable consumers a component of a running cell reads from, derived from its descriptor and the
 * running system (`cellInstances`): a stream of a partitioned cell becomes one consumer per partition;
 * subjects a global cell addresses to partitions are read by a partition as its own
 * (`inventory.orders-2.reservation.confirmed`) and by a global cell from all (`shipping.*.shipment.dispatched`).
 */
export function consumptionsOf(cell: CellDescriptor, componentName: string, system: readonly CellDescriptor[]): Consumption[] {
  const consumer = cell.components.find((c) => c.name === componentName);
  if (!consumer) throw new Error(`cell ${cell.name} has no component ${componentName}`);
  const byStream = new Map<string, string[]>();
  for (const { stream, subject } of consumer.consumes ?? []) byStream.set(stream, [...(byStream.get(stream) ?? []), subject]);
  const durable = `${instanceName(cell)}-${componentName}`;
  return [...byStream].flatMap(([stream, subjects]) => {
    const producers = system.filter((c) => declaredStream(c) === stream);
    if (!producers.length)
      throw new Error(`${instanceName(cell)}.${componentName} reads stream ${stream}, which no cell of the system owns`);
    if (producers[0]!.partition)
      return producers.map((p) => ({ stream: p.stream, durable, subjects: subjects.map((s) => addressed(s, p.partition!)) }));
    const routed = new Set(producers[0]!.components.flatMap((c) => c.addressed ?? []));
    const to = cell.partition ?? '*';
    return [{ stream, durable, subjects: subjects.map((s) => (routed.has(s) ? addressed(s, to) : s)) }];
  });
}

/**
 * The cell a process of `cell` runs as: the partition `CELL_PARTITION` names for a partitioned cell
 * (`<cell>-1` when unset, for running one cell alone), else the cell itself. A name the cell does not
 * have stops the start with the names it has.
 */
export function runningCell(cell: CellDescriptor, env: Record<string, string | undefined> = {}): CellDescriptor {
  if (!cell.partitions) return cell;
  return partitionOf(cell, env.CELL_PARTITION || partitionName(cell.name, 1), partitionCount(cell, env));
}

/**
 * The running cells a call to `called` reaches: the cell itself, or every partition of a partitioned cell
 * (`orders` → `orders-1`, `orders-2`), each behind its own gateway (`ORDERS_2_GATEWAY_URL`).
 */
export const callTargets = (system: readonly CellDescriptor[], called: string): string[] =>
  system.filter((c) => c.name === called).map(instanceName);
