import type { ComponentDatabase } from '@retail/data';
import { type Bus, connectCellBus, startOutboxRelay } from '@retail/events';
import type { CellServiceContext } from './cell-service.ts';

/** Where the cell's NATS server is and who the cell is there (kernel's `natsEnv`). */
type NatsSettings = { NATS_URL: string; NATS_USER?: string; NATS_PASS?: string };

/** A core service's own database, its cell's bus, and what closes them. */
export interface CoreStore<TSchema extends Record<string, unknown>> {
  db: ComponentDatabase<TSchema>['db'];
  bus: Bus;
  /** For `ComposedService.resources`: closed in reverse, the relay first and the database last. */
  resources: Array<() => Promise<void> | void>;
}

/**
 * What every core that owns an aggregate opens first: its own database, its cell's NATS connection
 * (with the cell's stream in place), and the outbox relay that publishes the events its transactions
 * append (an append wakes the relay after its commit).
 *
 * @example
 * const { db, bus, resources } = await openCoreStore(context, openOwnDatabase(databaseFile(context.env)));
 * return { app: createApp({ orders: createOrderBook(db), ... }), resources };
 */
export async function openCoreStore<TSchema extends Record<string, unknown>>(
  context: CellServiceContext<NatsSettings>,
  database: ComponentDatabase<TSchema>,
): Promise<CoreStore<TSchema>> {
  const bus = await connectCellBus(context);
  const relay = startOutboxRelay({ db: database.db, js: bus.js, logger: context.logger });
  return { db: database.db, bus, resources: [database.close, bus.close, relay.stop] };
}
