import { connectBus, type Bus } from '@retail/events';
import { createPool, fixedPool, type Pool } from '@retail/http-client';
import type { Logger } from '@retail/kernel';
import { openDirectory, type Directory } from './directory.ts';
import { newInstanceId, thisHost, type InstanceEntry } from './entry.ts';
import { registerInstance, type Registration } from './register.ts';

/** What every process of the system shares besides its own work: discovery (register, find, balance). */
export interface Platform {
  /** The process's NATS connection, shared with its event work; absent under `DISCOVERY=static`. */
  bus?: Promise<Bus>;
  /** Calls to `cell`'s `component` (its gateway: `gateway`), balanced over its live instances; `fallback` its configured URL. */
  pool(options: { name: string; cell: string; component: string; fallback: string }): Pool;
  /** The registry as this process sees it (the console); absent under `DISCOVERY=static`. */
  directory(): Directory | undefined;
  /** Register this instance once it listens. */
  register(port: number): void;
  /** This instance's id in the registry. */
  readonly instance: string;
  /** What it runs with, shown in its registry entry (the console): its effective settings and any it refused. */
  report(patch: Pick<InstanceEntry, 'config' | 'refused'>): void;
  /** Deregister: before HTTP drains, so callers stop choosing it. */
  deregister(): Promise<void>;
  /** Close the shared connection, last. */
  close(): Promise<void>;
}

export interface PlatformEnv {
  NATS_URL: string;
  NATS_USER?: string;
  NATS_PASS?: string;
  DISCOVERY: 'registry' | 'static';
  ADVERTISE_URL?: string;
  SERVICE_VERSION: string;
  HOST: string;
}

/**
 * Open the process's platform connection in the background: it never holds the start (a gateway serves
 * on its configured URLs until the registry is read). `cell` is the running cell (`orders-2`; `edge` for
 * gateway-global), `component` its component (`gateway` for a cell gateway).
 */
export function openPlatform(options: { cell: string; component: string; env: PlatformEnv; logger: Logger }): Platform {
  const { cell, component, env, logger } = options;
  const instance = newInstanceId();
  if (env.DISCOVERY === 'static') {
    return {
      pool: ({ name, fallback }) => fixedPool(name, new URL(fallback).origin),
      directory: () => undefined,
      register: () => {},
      report: () => {},
      instance,
      deregister: async () => {},
      close: async () => {},
    };
  }
  let directory: Directory | undefined;
  let registration: Registration | undefined;
  let closed = false;
  let reported: Pick<InstanceEntry, 'config' | 'refused'> = {};
  const bus = connectBus({ url: env.NATS_URL, name: `${cell}-${component}`, user: env.NATS_USER, pass: env.NATS_PASS, logger });
  const opened = bus.then((b) => {
    if (!closed) directory = openDirectory({ bus: b, logger });
    return b;
  });
  opened.catch((error: Error) => logger.error({ err: error.message }, 'could not connect to NATS for the registry'));
  const none: string[] = [];
  return {
    bus: opened,
    pool: ({ name, cell: target, component: part, fallback }) =>
      createPool({ name, fallback: new URL(fallback).origin, instances: () => directory?.origins(target, part) ?? none }),
    directory: () => directory,
    instance,
    register(port) {
      const url = env.ADVERTISE_URL ?? `http://${env.HOST === '0.0.0.0' ? thisHost() : env.HOST}:${port}`;
      void opened.then(
        (b) => {
          if (closed) return;
          registration = registerInstance({
            bus: b,
            logger,
            entry: {
              cell,
              component,
              instance,
              url,
              version: env.SERVICE_VERSION,
              startedAt: new Date().toISOString(),
              host: thisHost(),
              pid: process.pid,
              ...reported,
            },
          });
        },
        () => {}, // not connected: logged where it failed
      );
    },
    report(patch) {
      reported = patch;
      registration?.update(patch);
    },
    async deregister() {
      await registration?.close();
      registration = undefined;
    },
    async close() {
      closed = true;
      directory?.close();
      await registration?.close();
      if (await Promise.race([opened.then(() => true), Promise.resolve(false)])) await (await opened).close();
    },
  };
}
