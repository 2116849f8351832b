import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@retail/kernel';
import type { EventFeed } from './event-feed.ts';

export interface NatsFeedOptions {
  url: string;
  user?: string;
  pass?: string;
  /** Each cell publishes only on `<cell>.>`; one subscription per cell. */
  cells: readonly string[];
  feed: EventFeed;
  logger: Logger;
  /** Wait between attempts when the server refuses us (e.g. bad credentials). */
  retryMs?: number;
}

export interface NatsFeed {
  close(): Promise<void>;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Feed the console from NATS with plain core subscriptions: a read-only observer needs no durable
 * consumer, and misses nothing it would show (the console shows what happens now). Runs in the
 * background: the gateway serves whether or not NATS can be reached, and the feed says which.
 */
export function startNatsFeed(options: NatsFeedOptions): NatsFeed {
  const { feed, logger, retryMs = 5_000 } = options;
  let nc: NatsConnection | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const watchStatus = async (conn: NatsConnection) => {
    for await (const s of conn.status()) {
      if (s.type === 'disconnect') feed.setStatus({ state: 'disconnected', detail: 'Lost the connection to NATS; reconnecting…' });
      else if (s.type === 'reconnect') feed.setStatus({ state: 'connected', detail: `Listening on ${subjects()}.` });
      else if (s.type === 'error') {
        // e.g. a permissions violation on a subscription: the feed stays up but may be missing a cell.
        logger.warn({ nats: s.type, err: s.error }, 'nats error in the console feed');
        feed.setStatus({ state: 'unavailable', detail: `NATS refused the console feed: ${describe(s.error)}` });
      }
    }
  };

  const subjects = () => options.cells.map((cell) => `${cell}.>`).join(', ');

  const attempt = async () => {
    feed.setStatus({ state: 'connecting', detail: `Waiting for NATS at ${options.url}…` });
    try {
      const conn = await connect({
        servers: options.url.split(','),
        name: 'gateway-global-console',
        user: options.user || undefined,
        pass: options.pass || undefined,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1_000,
        waitOnFirstConnect: true,
      });
      if (stopped) {
        await conn.close();
        return;
      }
      nc = conn;
      for (const cell of options.cells) {
        conn.subscribe(`${cell}.>`, {
          callback: (error, msg) => {
            if (error) logger.warn({ err: error, cell }, 'console feed subscription failed');
            else feed.record(msg.subject, msg.data);
          },
        });
      }
      feed.setStatus({ state: 'connected', detail: `Listening on ${subjects()}.` });
      void watchStatus(conn);
      void conn.closed().then((error) => {
        if (!stopped) feed.setStatus({ state: 'unavailable', detail: `The NATS connection closed${error ? `: ${describe(error)}` : ''}.` });
      });
    } catch (error) {
      if (stopped) return;
      logger.warn({ err: error }, 'the console feed cannot connect to NATS; retrying');
      feed.setStatus({ state: 'unavailable', detail: `Cannot connect to NATS: ${describe(error)}. Retrying…` });
      retryTimer = setTimeout(() => void attempt(), retryMs);
    }
  };

  void attempt();
  return {
    async close() {
      stopped = true;
      clearTimeout(retryTimer);
      feed.close();
      if (nc && !nc.isClosed()) await nc.close();
    },
  };
}
