import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '@retail/kernel';

export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  isConnected(): boolean;
  /** Drain subscriptions and pending publishes, then close. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  url: string;
  /** Client name shown in NATS monitoring, e.g. `products-catalog`. */
  name: string;
  user?: string;
  pass?: string;
  logger: Logger;
}

/**
 * Where the server sends a user's replies (JetStream API answers, publish acks, pulled messages):
 * `_INBOX_<user>`, the only inboxes that user may subscribe to (see compose/src/nats-auth.ts), so no
 * user can read what another pulls. Without a user (an open test bus), the client's default `_INBOX`.
 */
export const inboxPrefix = (user: string) => `_INBOX_${user}`;

/** Connect with endless reconnects (and wait for a server at first start), and log connection changes. */
export async function connectBus(options: ConnectOptions): Promise<Bus> {
  const nc = await connect({
    servers: options.url.split(','),
    name: options.name,
    user: options.user || undefined,
    pass: options.pass || undefined,
    inboxPrefix: options.user ? inboxPrefix(options.user) : undefined,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // Every request and publish would otherwise build an Error up front, for a stack trace that only a
    // failed one uses: a measurable share of a busy service's CPU.
    noAsyncTraces: true,
  });
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') connected = false;
      if (status.type === 'reconnect') connected = true;
      if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
        options.logger.warn({ nats: status.type }, `nats ${status.type}`);
      }
    }
  })();
  // Short API timeouts: a request caught by a NATS restart fails fast and is retried (the outbox and
  // redelivery make retries safe) instead of hanging for the default.
  const jsm = await jetstreamManager(nc, { timeout: 5_000 });
  return {
    nc,
    js: jetstream(nc, { timeout: 3_000 }),
    jsm,
    isConnected: () => connected && !nc.isClosed(),
    close: async () => {
      if (!nc.isClosed()) await nc.drain();
    },
  };
}
