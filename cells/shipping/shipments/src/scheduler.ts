import { DomainError, type Logger } from '@retail/kernel';
import type { AutoShippingDelays, Clock, Shipments } from './shipments.ts';

export interface AutoShippingOptions {
  shipments: Shipments;
  clock: Clock;
  logger: Logger;
  /** Apply due automatic dispatches (AUTO_DISPATCH_AFTER_MS > 0). */
  dispatch?: boolean;
  /** Apply due automatic deliveries (AUTO_DELIVER_AFTER_MS > 0). */
  deliver?: boolean;
  /** Instead of the two flags: the delays as they are now (live configuration), read at each tick. */
  delays?: AutoShippingDelays;
  intervalMs?: number;
  /** At most this many of each per tick, so one tick never holds the database for long. */
  batchSize?: number;
}

export interface AutoShipping {
  /** Apply every transition due now; returns how many were applied. The timer calls this. */
  runDue(): number;
  stop(): void;
}

/**
 * Automatic dispatch and delivery. The due times live in the shipments table (set when a shipment is
 * created or dispatched), so a restart loses nothing: overdue shipments move at the first tick. Each
 * move goes through the same `dispatch`/`deliver` as the operator API, so it publishes the same events.
 */
export function startAutoShipping(options: AutoShippingOptions): AutoShipping {
  const { shipments, clock, logger, intervalMs = 250, batchSize = 100 } = options;
  const log = logger.child({ task: 'auto-shipping' });

  const apply = (ids: string[], move: (id: string) => unknown, what: string) => {
    let applied = 0;
    for (const id of ids) {
      try {
        move(id);
        applied++;
        log.info({ shipmentId: id }, `shipment ${what} automatically`);
      } catch (error) {
        // An operator (or a cancellation) got there first between the query and the move: nothing to do.
        if (error instanceof DomainError) continue;
        log.error({ err: error, shipmentId: id }, `automatic ${what} failed; will retry`);
      }
    }
    return applied;
  };

  const runDue = () => {
    const now = clock();
    let applied = 0;
    if (options.delays ? options.delays.autoDispatchAfterMs > 0 : options.dispatch)
      applied += apply(
        shipments.dueForDispatch(now, batchSize),
        (id) => shipments.dispatch(id, { reason: 'dispatched automatically' }),
        'dispatched',
      );
    if (options.delays ? options.delays.autoDeliverAfterMs > 0 : options.deliver)
      applied += apply(
        shipments.dueForDelivery(now, batchSize),
        (id) => shipments.deliver(id, { reason: 'delivered automatically' }),
        'delivered',
      );
    return applied;
  };

  // With live delays the timer always runs: a change may turn automatic shipping on.
  const timer =
    options.delays || options.dispatch || options.deliver
      ? setInterval(() => {
          try {
            runDue();
          } catch (error) {
            log.error({ err: error }, 'automatic shipping tick failed; will retry');
          }
        }, intervalMs)
      : undefined;
  timer?.unref();

  return { runDue, stop: () => clearInterval(timer) };
}
