import { runMain, serveApp, type Logger } from '@retail/kernel';
import type { ComposedService } from './cell-service.ts';
import type { Platform } from '@retail/registry';
import type { ConfigTarget, LiveSettings } from '@retail/config';

/** The listener settings every cell process reads (kernel's `commonEnv`). */
export interface ListenEnv {
  LOG_LEVEL: string;
  HOST: string;
  PORT: number;
  IDLE_MEMORY_RELEASE: boolean;
}

/** A cell process once composed: its settings and logger beside what it serves and closes. */
export interface ComposedProcess extends ComposedService {
  env: ListenEnv;
  logger: Logger;
  /** Its registration and shared connection (platform.ts): registered once it listens, deregistered first on shutdown. */
  platform: Platform;
  /** Who it is in the configuration's hierarchy (its instance is added here). */
  who: Omit<ConfigTarget, 'instance'>;
}

export interface ServeComposedOptions {
  /** Flushed last, after everything the process composed has closed. */
  shutdownTelemetry: () => Promise<void>;
  /** Gateways stream bodies through (kernel's `serveApp`). */
  streamingBodies?: boolean;
}

/**
 * The end every cell process shares, service or gateway: compose, then listen with graceful shutdown
 * (HTTP drains, then the composed resources close in reverse, then telemetry flushes). Imported only once
 * telemetry runs, as it loads the kernel.
 */
export function serveComposed(compose: () => Promise<ComposedProcess>, options: ServeComposedOptions): void {
  runMain(async () => {
    const { app, env, logger, platform, who, live = {}, resources = [] } = await compose();
    const { followConfig } = await import('@retail/config');
    // Every process's log level, and what the process itself applies live (rate limits, breakers, delays).
    const settings: LiveSettings = {
      LOG_LEVEL: {
        initial: env.LOG_LEVEL,
        apply: (level) => {
          logger.level = String(level);
        },
      },
      ...live,
    };
    const stopFollowing = followConfig({
      bus: platform.bus,
      who: { ...who, instance: platform.instance },
      logger,
      live: settings,
      report: platform.report,
    });
    const server = await serveApp({
      app,
      port: env.PORT,
      hostname: env.HOST,
      logger,
      releaseIdleMemory: env.IDLE_MEMORY_RELEASE,
      streamingBodies: options.streamingBodies,
      beforeClose: platform.deregister,
      onShutdown: [options.shutdownTelemetry, platform.close, stopFollowing, ...resources],
    });
    platform.register(server.port);
  });
}
