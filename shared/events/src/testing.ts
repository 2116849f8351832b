import type { Logger } from '@retail/kernel';
import { startTestNats, type TestNats } from '@retail/testing';
import { connectBus, type Bus } from './connection.ts';
import type { CellDescriptor } from '@retail/descriptor';
import { cellStream, ensureStream } from './streams.ts';

export interface TestBus {
  /** The private nats-server, for tests that stop and start it. */
  nats: TestNats;
  bus: Bus;
  /** Close the bus, then the server. */
  dispose(): Promise<void>;
}

/**
 * A private nats-server with a bus connected as `name` and the streams a test publishes to: `streams`
 * named as the cells name theirs (stream `SHOP` holds subjects `shop.>`), and the streams of running
 * `cells` as the system has them (`systemCells()` of @retail/topology: `ORDERS_1` holds `orders.orders-1.>`).
 */
export async function startTestBus(options: {
  name: string;
  logger: Logger;
  streams?: string[];
  cells?: readonly CellDescriptor[];
}): Promise<TestBus> {
  const nats = await startTestNats();
  const bus = await connectBus({ url: nats.url, name: options.name, logger: options.logger });
  for (const stream of options.streams ?? []) await ensureStream(bus.jsm, { name: stream, subjects: [`${stream.toLowerCase()}.>`] });
  for (const cell of options.cells ?? []) await ensureStream(bus.jsm, cellStream(cell));
  return {
    nats,
    bus,
    async dispose() {
      await bus.close();
      await nats.dispose();
    },
  };
}
