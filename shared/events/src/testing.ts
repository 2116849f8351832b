import type { Logger } from '@retail/kernel';
import { startTestNats, type TestNats } from '@retail/testing';
import { connectBus, type Bus } from './connection.ts';
import { ensureStream } from './streams.ts';

export interface TestBus {
  /** The private nats-server, for tests that stop and start it. */
  nats: TestNats;
  bus: Bus;
  /** Close the bus, then the server. */
  dispose(): Promise<void>;
}

/**
 * A private nats-server with a bus connected as `name` and the streams a test publishes to, each named
 * as the cells name theirs: stream `ORDERS` holds subjects `orders.>`.
 */
export async function startTestBus(options: { name: string; logger: Logger; streams?: string[] }): Promise<TestBus> {
  const nats = await startTestNats();
  const bus = await connectBus({ url: nats.url, name: options.name, logger: options.logger });
  for (const stream of options.streams ?? []) await ensureStream(bus.jsm, { name: stream, subjects: [`${stream.toLowerCase()}.>`] });
  return {
    nats,
    bus,
    async dispose() {
      await bus.close();
      await nats.dispose();
    },
  };
}
