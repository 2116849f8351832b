// Only telemetry and types are imported statically: the SDK must be running before the modules it
// observes load (their meters and tracers are taken at import time), so everything else is imported
// once startTelemetry has returned.
import { startTelemetry } from '@retail/telemetry';
import type { TokenVerifier } from '@retail/auth';
import type { Logger } from '@retail/kernel';
import { instanceName, runningCell, type CellDescriptor } from '@retail/descriptor';
import type { Hono } from 'hono';
import type { ListenEnv } from './serve-composed.ts';
import type { Platform, PlatformEnv } from '@retail/registry';
import { exitOnStartFailure } from './start-failure.ts';

/** The settings every service inside a cell has (kernel's `cellServiceEnv`). */
interface CellServiceEnv extends ListenEnv, PlatformEnv {
  LOG_LEVEL: string;
  LOG_PRETTY: boolean;
  CELL_GATEWAY_URL: string;
}

/** What a service's composition root is given: who it is, its parsed settings, its logger, its token check. */
export interface CellServiceContext<E> {
  /** The cell it runs in: for a partitioned cell, its partition (`CELL_PARTITION`, see `runningCell`). */
  cell: CellDescriptor;
  /** The running system (`systemCells` of @retail/topology): every cell and partition whose events it may read. */
  system: readonly CellDescriptor[];
  component: string;
  env: E;
  logger: Logger;
  /** Checks the internal tokens its own cell gateway mints (keys from that gateway's JWKS). */
  verifyToken: TokenVerifier;
  /** Discovery: balanced pools of the instances it calls (platform.ts). */
  platform: Platform;
  /** The process's shared NATS connection (`connectCellBus` uses it); absent under `DISCOVERY=static`. */
  bus?: Promise<import('@retail/events').Bus>;
}

/** What a composition root hands back: the app to serve and what to close, in the order it was opened. */
export interface ComposedService {
  app: Hono<any>;
  /** Settings it applies without a restart (besides LOG_LEVEL, which every process does): see @retail/config. */
  live?: import('@retail/config').LiveSettings;
  /** Closed in reverse order after HTTP has drained (consumers, NATS, database…). */
  resources?: Array<() => Promise<void> | void>;
}

/** A service's server module (`src/server.ts`): its configuration and its composition root. */
export interface CellService<E extends CellServiceEnv> {
  loadEnv(): E;
  compose(context: CellServiceContext<E>): Promise<ComposedService> | ComposedService;
}

export interface StartCellServiceOptions<E extends CellServiceEnv> {
  /** The cell's descriptor; the process is named `<cell>-<component>` everywhere (logs, traces, NATS). */
  cell: CellDescriptor;
  /** The component's name in that descriptor. */
  component: string;
  /** Imports the service's server module: called only once telemetry is running. */
  server: () => Promise<CellService<E>>;
}

/**
 * Start one service of a cell as its own process: telemetry first, then its settings, its logger, the
 * check of its gateway's internal tokens, its composition root, and the HTTP listener with graceful
 * shutdown (HTTP drains, then the composed resources close in reverse, then telemetry flushes).
 *
 * @example
 * // cells/orders/orders/src/main.ts
 * startCellService({ cell: ordersCell, component: 'orders', server: () => import('./server.ts') });
 */
export function startCellService<E extends CellServiceEnv>(options: StartCellServiceOptions<E>): void {
  const { component } = options;
  const cell = runningCell(options.cell, process.env);
  const name = `${instanceName(cell)}-${component}`;
  const telemetry = startTelemetry({ serviceName: name, cell: instanceName(cell) });
  const starting = (async () => {
    // drizzle's CommonJS build, before anything imports drizzle (see @retail/data's patches).
    await import('@retail/data/register');
    const { createLogger } = await import('@retail/kernel');
    const { serveComposed } = await import('./serve-composed.ts');
    serveComposed(
      async () => {
        const { internalTokenVerifier } = await import('@retail/auth');
        const { internalJwksUrl } = await import('@retail/descriptor');
        const server = await options.server();
        const env = server.loadEnv();
        const { systemCells } = await import('@retail/topology');
        const logger = createLogger({ name, level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: instanceName(cell), component } });
        const verifyToken = internalTokenVerifier(cell.name, internalJwksUrl(env.CELL_GATEWAY_URL));
        const system = systemCells(process.env);
        const { openPlatform } = await import('@retail/registry');
        const platform = openPlatform({ cell: instanceName(cell), component, env, logger });
        const composed = await server.compose({ cell, system, component, env, logger, verifyToken, platform, bus: platform.bus });
        // Deny by default: a service inside a cell serves nothing without its gateway's internal token.
        const { requiresAuthentication } = await import('@retail/kernel');
        if (!requiresAuthentication(composed.app)) {
          throw new Error(
            `${name} would serve routes without checking its cell gateway's internal tokens: build its app with createServiceApp({ authenticate: requireInternalToken(verifyToken) })`,
          );
        }
        return { env, logger, platform, who: { cell: options.cell.name, partition: cell.partition, component }, ...composed };
      },
      { shutdownTelemetry: telemetry.shutdown },
    );
  })();
  starting.catch(exitOnStartFailure(name));
}
