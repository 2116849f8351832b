import type { Logger } from '@retail/kernel';
import { streamLimits, type CellDescriptor } from '@retail/descriptor';
import { connectBus, type Bus } from './connection.ts';
import { ensureStream } from './streams.ts';

/**
 * A cell component's connection: named `<cell>-<component>`, with its cell's NATS user, and with the
 * cell's stream (`<cell>.>`) in place, with the age and size limits of its descriptor — every component
 * publishes there (events, or its dead letters).
 *
 * @example
 * const bus = await connectCellBus({ cell: ordersCell, component: 'orders', env, logger });
 */
export async function connectCellBus(options: {
  cell: CellDescriptor;
  component: string;
  env: { NATS_URL: string; NATS_USER?: string; NATS_PASS?: string };
  logger: Logger;
}): Promise<Bus> {
  const { cell, component, env, logger } = options;
  const bus = await connectBus({ url: env.NATS_URL, name: `${cell.name}-${component}`, user: env.NATS_USER, pass: env.NATS_PASS, logger });
  await ensureStream(bus.jsm, { name: cell.stream, subjects: [`${cell.name}.>`], ...streamLimits(cell) });
  return bus;
}
