import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@retail/kernel';
import { freePort, startTestNats, waitFor, type TestNats } from '@retail/testing';
import { createEventFeed } from './event-feed.ts';
import { startNatsFeed } from './nats-feed.ts';

const logger = createLogger({ name: 'console-feed-test', level: 'silent' });
let nats: TestNats;
beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(() => nats.dispose());

describe('the console feed from NATS', () => {
  it("records what is published on every cell's subjects, and nothing else", async () => {
    const feed = createEventFeed();
    const running = startNatsFeed({ url: nats.url, cells: ['orders', 'shipping'], feed, logger });
    await waitFor(() => feed.status().state === 'connected', { what: 'the feed to connect' });
    const publisher = await connect({ servers: nats.url });
    publisher.publish(
      'orders.order.placed',
      JSON.stringify({
        specversion: '1.0',
        id: 'e-1',
        source: '/cells/orders/orders',
        type: 'orders.order.placed',
        subject: 'order-1',
        time: new Date().toISOString(),
        data: {},
      }),
    );
    publisher.publish('elsewhere.thing.happened', '{}');
    publisher.publish('shipping.dlq.fulfillment', 'garbage');
    await publisher.flush();
    await waitFor(() => feed.recent().length >= 2, { what: 'two events' });
    expect(feed.recent().map((e) => [e.subject, e.valid])).toEqual([
      ['orders.order.placed', true],
      ['shipping.dlq.fulfillment', false],
    ]);
    await publisher.close();
    await running.close();
  });

  it('says it is waiting while NATS cannot be reached', async () => {
    const feed = createEventFeed();
    const running = startNatsFeed({ url: `nats://127.0.0.1:${await freePort()}`, cells: ['orders'], feed, logger });
    await new Promise((r) => setTimeout(r, 300));
    expect(feed.status()).toMatchObject({ state: 'connecting' });
    expect(feed.status().detail).toContain('Waiting for NATS');
    await running.close();
  });
});
