import { kvDelete, kvPut, type Bus } from '@retail/events';
import type { Logger } from '@retail/kernel';
import { HEARTBEAT_MS, REGISTRY_BUCKET, registryKey, type InstanceEntry } from './entry.ts';

export interface Registration {
  /** What is registered now. */
  entry(): InstanceEntry;
  /** Change what is registered (its configuration) and say so at once. */
  update(patch: Partial<Pick<InstanceEntry, 'config' | 'refused'>>): void;
  /** Deregister (a clean stop) and stop the heartbeat. */
  close(): Promise<void>;
}

/**
 * Register this instance and keep it registered: the entry is written at once and again every
 * `heartbeatMs`, so it stays while the process lives and is gone within the TTL once it dies. A failed
 * heartbeat (NATS away) is logged once and tried again at the next beat.
 *
 * @example
 * const registration = registerInstance({ bus, logger, entry: { cell: 'orders-2', component: 'checkout', instance: newInstanceId(), url, … } });
 * onShutdown.push(registration.close);
 */
export function registerInstance(options: { bus: Bus; entry: InstanceEntry; logger: Logger; heartbeatMs?: number }): Registration {
  const { bus, logger, heartbeatMs = HEARTBEAT_MS } = options;
  let entry = options.entry;
  const key = registryKey(entry);
  let failing = false;
  let closed = false;
  const beat = async () => {
    if (closed) return;
    try {
      await kvPut(bus, REGISTRY_BUCKET, key, JSON.stringify(entry));
      if (failing) logger.info({ key }, 'registered again');
      failing = false;
    } catch (error) {
      if (!failing) logger.warn({ key, err: (error as Error).message }, 'could not register in the registry; trying at every heartbeat');
      failing = true;
    }
  };
  void beat().then(() => {
    if (!failing) logger.info({ key, url: entry.url }, 'registered');
  });
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();
  return {
    entry: () => entry,
    update(patch) {
      entry = { ...entry, ...patch };
      void beat();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      try {
        await kvDelete(bus, REGISTRY_BUCKET, key);
      } catch (error) {
        logger.warn({ key, err: (error as Error).message }, 'could not deregister; the entry expires with its TTL');
      }
    },
  };
}
