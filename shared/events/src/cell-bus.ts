import type { Logger } from '@retail/kernel';
import { instanceName, type CellDescriptor } from '@retail/descriptor';
import { connectBus, type Bus } from './connection.ts';
import { cellStream, ensureStream, isNotFound, isPermissionDenied } from './streams.ts';

const PROVISION = 'provision the bus (provisionStreams of @retail/events; npm start and compose’s setup do it)';

/**
 * A cell component's connection: named `<cell>-<component>`, with its cell's NATS user, and with the
 * cell's stream (`<cell>.>`) in place, with the age and size limits of its descriptor — every component
 * publishes there (events, or its dead letters). On an open bus (tests) it creates or updates the
 * stream itself; on an authorized one provisionStreams has, and a stream that differs from the descriptor
 * is logged as an error (a cell user may not change it), while a missing one stops the start.
 *
 * @example
 * const bus = await connectCellBus({ cell: ordersCell, component: 'orders', env, logger });
 */
export async function connectCellBus(options: {
  cell: CellDescriptor;
  component: string;
  env: { NATS_URL: string; NATS_USER?: string; NATS_PASS?: string };
  logger: Logger;
  /** The process's shared connection, when it has one (its platform's): used instead of a second one, and closed by its owner. */
  bus?: Promise<Bus>;
}): Promise<Bus> {
  const { cell, component, env, logger } = options;
  // A partition connects as its own NATS user only: another partition's credentials would let it publish as that one.
  if (cell.partition && env.NATS_USER && env.NATS_USER !== cell.partition)
    throw new Error(
      `partition ${cell.partition} was given the NATS credentials of ${env.NATS_USER}: each partition connects as its own user (NATS_USER=${cell.partition})`,
    );
  const bus = options.bus
    ? borrowed(await options.bus)
    : await connectBus({
        url: env.NATS_URL,
        name: `${instanceName(cell)}-${component}`,
        user: env.NATS_USER,
        pass: env.NATS_PASS,
        logger,
      });
  const stream = cellStream(cell);
  try {
    await ensureStream(bus.jsm, stream);
  } catch (error) {
    if (!isPermissionDenied(error)) throw await closing(bus, error);
    const exists = await bus.jsm.streams.info(stream.name).then(
      () => true,
      (e: unknown) => (isNotFound(e) ? false : Promise.reject(e)),
    );
    if (!exists)
      throw await closing(
        bus,
        new Error(`stream ${stream.name} does not exist and NATS user ${env.NATS_USER} may not create it: ${PROVISION}`),
      );
    logger.error(
      { stream },
      `stream ${stream.name} differs from the descriptor (subjects or limits) and NATS user ${env.NATS_USER} may not change it: ${PROVISION}. Publishing goes on with the stream as it is.`,
    );
  }
  return bus;
}

/** A connection this component uses but does not own: its close is its owner's. */
const borrowed = (bus: Bus): Bus => ({ ...bus, close: async () => {} });

async function closing(bus: Bus, error: unknown) {
  await bus.close().catch(() => undefined);
  return error;
}
