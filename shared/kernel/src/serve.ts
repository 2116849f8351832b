import { serve, type ServerType } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { releaseMemoryWhenIdle } from './idle-memory.ts';
import type { Logger } from './logger.ts';

export interface RunningServer {
  server: ServerType;
  port: number;
  /** Stop accepting, finish in-flight requests, then run the shutdown hooks in reverse order. */
  close(): Promise<void>;
}

export interface ServeOptions {
  app: Hono<any>;
  port: number;
  hostname: string;
  logger: Logger;
  /** Before anything closes on SIGTERM/SIGINT: e.g. leave the registry, so that callers stop choosing this instance. */
  beforeClose?: () => Promise<void> | void;
  /** Closed in reverse order on SIGTERM/SIGINT (e.g. NATS drain, database close). */
  onShutdown?: Array<() => Promise<void> | void>;
  /** Leave the incoming body unread for handlers that stream it themselves (gateways). */
  streamingBodies?: boolean;
  /**
   * @hono/node-server's faster Response objects, installed process-wide. Off for gateways: a response
   * their forwarder already wrote must stay marked as sent when middleware touches it afterwards.
   * Tests that host a gateway and a service in one process turn it off for both.
   */
  lightweightResponses?: boolean;
  /** Give memory back whenever the process goes idle (default true; env IDLE_MEMORY_RELEASE, read by commonEnv). */
  releaseIdleMemory?: boolean;
}

/**
 * Listen, give memory back whenever the process goes idle (see idle-memory.ts; `releaseIdleMemory`),
 * and shut down gracefully on SIGTERM/SIGINT: drain HTTP, then close resources.
 *
 * @example
 * await serveApp({ app, port: env.PORT, hostname: env.HOST, logger, releaseIdleMemory: env.IDLE_MEMORY_RELEASE, onShutdown: [database.close] });
 */
export async function serveApp(options: ServeOptions): Promise<RunningServer> {
  const { app, logger, onShutdown = [] } = options;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: options.port,
        hostname: options.hostname,
        autoCleanupIncoming: !options.streamingBodies,
        overrideGlobalObjects: options.lightweightResponses ?? !options.streamingBodies,
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  server.prependListener('request', capDiscardedBody);
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, host: options.hostname }, 'listening');
  const idleMemory = options.releaseIdleMemory === false ? undefined : releaseMemoryWhenIdle({ logger });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      logger.info('shutting down');
      idleMemory?.stop();
      try {
        await options.beforeClose?.();
      } catch (error) {
        logger.warn({ err: error }, 'before-close hook failed');
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeIdleConnections' in server) server.closeIdleConnections();
        setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections();
        }, 5_000).unref();
      });
      for (const hook of [...onShutdown].reverse()) {
        try {
          await hook();
        } catch (error) {
          logger.warn({ err: error }, 'shutdown hook failed');
        }
      }
      logger.info('stopped');
    })();
    return closing;
  };

  const onSignal = () => void close().then(() => process.exit(0));
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const closeAndForget = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    return close();
  };
  return { server, port, close: closeAndForget };
}

/** What is read and discarded of a body left unread once its answer is sent, to keep the connection. */
const MAX_DISCARDED_BYTES = 4 * 1024 * 1024;
const MAX_DISCARD_MS = 2_000;

/**
 * Once an answer is sent before its request's body was read to the end (a route that reads no body, a
 * refusal), Node reads and discards the rest so that the connection can serve the next request. That is
 * kept to a few MiB and seconds: an endless chunked body would otherwise hold the connection for as long
 * as the client cares to send.
 */
function capDiscardedBody(req: IncomingMessage, res: ServerResponse) {
  res.once('finish', () => {
    if (req.complete) return;
    let discarded = 0;
    const hangUp = () => req.socket.destroy();
    const timer = setTimeout(hangUp, MAX_DISCARD_MS).unref();
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.byteLength;
      if (discarded > MAX_DISCARDED_BYTES) hangUp();
    });
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
  });
}
