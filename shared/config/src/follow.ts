import type { Bus } from '@retail/events';
import type { Logger } from '@retail/kernel';
import { watchConfig, type LiveConfig } from './live.ts';
import type { EffectiveSetting } from './resolve.ts';
import type { ConfigTarget } from './scope.ts';

/** The settings a process applies without a restart: each one's value at start and how to apply a new one. */
export type LiveSettings = Record<string, { initial: unknown; apply: (value: unknown) => void }>;

/**
 * Follow a process's live settings in the config bucket once its connection is there: apply each valid
 * change, and report what it runs with (and what it refused) through `report` (its registry entry).
 * Returns a stop function. Without a connection (`DISCOVERY=static`), the settings stay as started.
 *
 * @example
 * const stop = followConfig({ bus: platform.bus, who: { cell: 'orders', partition: 'orders-2', component: 'checkout', instance }, logger,
 *   live: { LOG_LEVEL: { initial: env.LOG_LEVEL, apply: (v) => (logger.level = String(v)) } }, report: platform.report });
 */
export function followConfig(options: {
  bus: Promise<Bus> | undefined;
  who: ConfigTarget;
  logger: Logger;
  live: LiveSettings;
  report: (patch: { config: Record<string, EffectiveSetting>; refused: Record<string, string> }) => void;
}): () => void {
  const { live, logger } = options;
  let config: LiveConfig | undefined;
  let stopped = false;
  let last = '';
  // Reported when it changed: a refusal changes nothing applied, but the console should show it.
  const report = () => {
    if (!config) return;
    const now = { config: config.describe(), refused: config.refused() };
    const text = JSON.stringify(now);
    if (text !== last) options.report(now);
    last = text;
  };
  const timer = setInterval(report, 1_000);
  timer.unref();
  void options.bus?.then(
    (bus) => {
      if (stopped) return;
      config = watchConfig({
        bus,
        logger,
        who: options.who,
        settings: Object.keys(live),
        initial: Object.fromEntries(Object.entries(live).map(([name, { initial }]) => [name, initial])),
        onChange: (changed) => {
          for (const [name, value] of Object.entries(changed)) live[name]!.apply(value);
          report();
        },
      });
      void config.ready.then(report);
    },
    () => {},
  );
  return () => {
    stopped = true;
    clearInterval(timer);
    config?.close();
  };
}
