import { metrics } from '@opentelemetry/api';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requireScopes, type AuthedRequest } from '@retail/auth';
import { nodeBindings } from '@retail/kernel';
import { OrderScopes } from '@retail/orders-contract';
import type { ChangeHub } from '../feed/changes.ts';
import type { FeedEntry, OrderFeed } from '../feed/order-feed.ts';

export interface OrderEventsDeps {
  feed: OrderFeed;
  hub: ChangeHub;
  /** This partition (`orders-2`): event ids are `<partition>:<position>`, so a position is never read in another. */
  partition: string;
  /** A comment this often keeps every hop's idle timeout (10 s at the gateways) from closing a quiet stream. */
  heartbeatMs?: number;
  /** A client that has not taken a write in this long is hung up on; it resumes from its Last-Event-ID. */
  writeTimeoutMs?: number;
}

/** Orders read per round of a catch-up. */
const CATCH_UP_PAGE = 100;

const meter = metrics.getMeter('@retail/orders');
const openStreams = meter.createUpDownCounter('orders.events.streams', {
  unit: '{stream}',
  description: 'Streams of order changes open now',
});
const hungUp = meter.createCounter('orders.events.hung_up', {
  unit: '{stream}',
  description: 'Streams hung up on because their client took no write within the write timeout',
});

/** The position in a Last-Event-ID of this partition; anything else (garbage, another partition's) is none. */
export function positionOf(lastEventId: string | undefined, partition: string): number | undefined {
  const match = /^([a-z0-9-]+):(\d{1,15})$/.exec(lastEventId ?? '');
  return match && match[1] === partition ? Number(match[2]) : undefined;
}

/**
 * `GET /orders/events`: the caller's orders as they change, as server-sent events. Resumed after a
 * Last-Event-ID of this partition; otherwise it starts with every order not yet at an end state. Then
 * `ready` (the position now), then an `order` event for each change. A slow reader costs one flag: the
 * stream reads what changed from the database when it can write again, never queueing events.
 */
export function orderEventRoutes(deps: OrderEventsDeps): Hono<AuthedRequest> {
  const { feed, hub, partition, heartbeatMs = 5_000, writeTimeoutMs = 30_000 } = deps;
  const routes = new Hono<AuthedRequest>();

  routes.get('/orders/events', requireScopes(OrderScopes.read), (c) => {
    const customerId = c.get('principal').sub;
    feed.assertServed(customerId); // 503 before any stream starts, for a customer who moved away
    const position = positionOf(c.req.header('last-event-id'), partition);
    // A position this partition has not reached is not one it gave out: start afresh, as without one.
    const resumeAt = position !== undefined && position <= feed.latest() ? position : undefined;

    return streamSSE(c, async (stream) => {
      let dirty = true;
      let done = false;
      let writing = false;
      let wake: (() => void) | undefined;
      const stop = () => {
        done = true;
        wake?.();
      };
      const hangUp = () => {
        hungUp.add(1);
        nodeBindings(c).outgoing?.destroy();
        stream.abort();
        stop();
      };
      const write = async (send: () => Promise<void>) => {
        writing = true;
        const timer = setTimeout(hangUp, writeTimeoutMs);
        try {
          await send();
        } finally {
          clearTimeout(timer);
          writing = false;
        }
      };
      const sendOrder = (entry: FeedEntry) =>
        write(() => stream.writeSSE({ event: 'order', id: `${partition}:${entry.seq}`, data: JSON.stringify(entry.order) }));

      const unsubscribe = hub.subscribe(customerId, {
        changed: () => {
          dirty = true;
          wake?.();
        },
        ended: stop,
      });
      stream.onAbort(stop);
      openStreams.add(1);
      // Skipped while a write waits: heartbeats must not pile up behind a reader that does not read.
      const heartbeat = setInterval(() => writing || void write(async () => void (await stream.write(': keep-alive\n\n'))), heartbeatMs);
      let cursor = resumeAt ?? feed.latest();
      const catchUp = async () => {
        while (!done) {
          // Both read in one tick, in which nothing can be written: a batch short of a page is everything
          // of theirs up to `top`, so later reads start there. What is written meanwhile wakes the stream.
          const top = feed.latest();
          const batch = feed.since(customerId, cursor, CATCH_UP_PAGE);
          for (const entry of batch) {
            await sendOrder(entry);
            cursor = entry.seq;
          }
          if (batch.length < CATCH_UP_PAGE) {
            cursor = Math.max(cursor, top);
            return;
          }
        }
      };
      try {
        // What the client missed, or where its orders stand; then `ready`: caught up, live from here on.
        if (resumeAt === undefined) for (const entry of feed.active(customerId)) await sendOrder(entry);
        else await catchUp();
        await write(() => stream.writeSSE({ event: 'ready', id: `${partition}:${cursor}`, data: '{}', retry: 1_000 }));
        while (!done) {
          if (dirty) {
            dirty = false;
            await catchUp();
          } else {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
        openStreams.add(-1);
      }
    });
  });
  return routes;
}
