import type { Db } from '@retail/data';
import type { Logger } from '@retail/kernel';
import { component as componentOf, consumedByStream, deadLetterSubject, durableName, type CellDescriptor } from '@retail/descriptor';
import type { Bus } from './connection.ts';
import { startConsumer, type EventHandler, type RunningConsumer } from './consumer.ts';

export interface ComponentConsumersOptions {
  bus: Bus;
  cell: CellDescriptor;
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
 * `<cell>-<component>` per stream it reads, dead letters to `<cell>.dlq.<component>`. Handlers that do
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
  return [...byStream].map(([stream, subjects]) =>
    startConsumer({
      bus: options.bus,
      db: options.db,
      logger: options.logger,
      maxDeliver: options.maxDeliver,
      stream,
      durable: durableName(cell, component),
      deadLetterSubject: deadLetterSubject(cell, component),
      handlers: Object.fromEntries(subjects.map((s) => [s, handlers[s]!])),
    }),
  );
}
