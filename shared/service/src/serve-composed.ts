import { runMain, serveApp, type Logger } from '@retail/kernel';
import type { ComposedService } from './cell-service.ts';

/** The listener settings every cell process reads (kernel's `commonEnv`). */
export interface ListenEnv {
  HOST: string;
  PORT: number;
  IDLE_MEMORY_RELEASE: boolean;
}

/** A cell process once composed: its settings and logger beside what it serves and closes. */
export interface ComposedProcess extends ComposedService {
  env: ListenEnv;
  logger: Logger;
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
    const { app, env, logger, resources = [] } = await compose();
    await serveApp({
      app,
      port: env.PORT,
      hostname: env.HOST,
      logger,
      releaseIdleMemory: env.IDLE_MEMORY_RELEASE,
      streamingBodies: options.streamingBodies,
      onShutdown: [options.shutdownTelemetry, ...resources],
    });
  });
}
