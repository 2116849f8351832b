import type { Db } from '@retail/data';
import type { Logger } from '@retail/kernel';
import { component as componentOf, consumedByStream, deadLetterSubject, unaddressed, type CellDescriptor } from '@retail/descriptor';
import { componentDurables } from './durables.ts';
import type { Bus } from './connection.ts';
import { startConsumer, type EventHandler, type RunningConsumer } from './consumer.ts';

export interface ComponentConsumersOptions {
  bus: Bus;
  /** The running cell (a partition of a partitioned cell is one: see `partitionOf`). */
  cell: CellDescriptor;
  /** The running system (`systemCells` of @retail/topology): whose streams and partitions it reads. */
  system: readonly CellDescriptor[];
  /** The consuming component, as named in the cell's descriptor. */
  component: string;
  /** One handler per subject the descriptor says this component consumes — no more, no less. */
  handlers: Record<string, EventHandler>;
  logger: Logger;
  db?: Db<any>;
  maxDeliver?: number;
}

/**
 * The subscriptions of a component, derived from its cell's descriptor: one durable consumer
 * `<cell>-<component>` per stream it reads (per partition of a partitioned cell's stream), dead letters
 * to `<cell>.dlq.<component>`. Handlers that do
 * not match the declared subjects stop the process at start, so code and descriptor cannot drift.
 */
export function startComponentConsumers(options: ComponentConsumersOptions): RunningConsumer[] {
  const { cell, component, handlers } = options;
  const byStream = consumedByStream(componentOf(cell, component));
  const declared = [...byStream.values()].flat().sort();
  const handled = Object.keys(handlers).sort();
  if (declared.join() !== handled.join()) {
    throw new Error(`${cell.name}/${component}: handlers for [${handled.join(', ')}] but the descriptor declares [${declared.join(', ')}]`);
  }
  return componentDurables(cell, component, options.system).map(({ stream, durable, filter, subjects }) =>
    startConsumer({
      bus: options.bus,
      db: options.db,
      logger: options.logger,
      maxDeliver: options.maxDeliver,
      stream,
      durable,
      filter,
      deadLetterSubject: deadLetterSubject(cell, component),
      handlers: Object.fromEntries(subjects.map((s) => [handledSubject(s), handlers[handledSubject(s)]!])),
    }),
  );
}

/**
 * The subject a handler is keyed by, from a subject as a durable reads it: one partition's
 * (`inventory.orders-2.reservation.confirmed`) or every partition's (`shipping.*.shipment.dispatched`).
 */
function handledSubject(subject: string): string {
  const [cell, second, ...rest] = subject.split('.');
  return second === '*' ? [cell, ...rest].join('.') : unaddressed(subject);
}
