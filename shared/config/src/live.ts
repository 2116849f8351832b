import { watchBucket, type Bus, type KvEntry } from '@retail/events';
import type { Logger } from '@retail/kernel';
import { CONFIG_BUCKET } from './entry.ts';
import { bucketValue, describeSource, type EffectiveSetting } from './resolve.ts';
import type { ConfigTarget } from './scope.ts';
import { parseSettingValue, settingNamed } from './settings.ts';

export interface WatchConfigOptions {
  bus: Bus;
  logger: Logger;
  /** This process: `{ cell: 'orders', partition: 'orders-2', component: 'checkout', instance }`. */
  who: ConfigTarget;
  /** The catalog settings this process applies. */
  settings: readonly string[];
  /** Their values from the environment or defaults (env.ts, parsed): what applies where the bucket sets nothing. */
  initial: Record<string, unknown>;
  /** The environment `initial` came from, to tell `env` from `default` in `describe()`. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Called once per change of the bucket with the settings whose value changed, and all of them. */
  onChange: (changed: Record<string, unknown>, all: Record<string, unknown>) => void;
}

export interface LiveConfig {
  /** The values in force, by setting. */
  current(): Record<string, unknown>;
  /** Each setting's value and where it came from (`orders/checkout (operator)`, `env`, `default`): for the registry and the console. */
  describe(): Record<string, EffectiveSetting>;
  /** Settings whose bucket value was refused, with why; the process keeps the value it had. */
  refused(): Record<string, string>;
  /** Whether it follows the bucket now (false while NATS or the bucket is away: the values stay as they were). */
  isLive(): boolean;
  /** Resolves after the first read of the bucket (applied, or failed and retrying). */
  ready: Promise<void>;
  close(): void;
}

/**
 * Follow this process's settings in the `config` bucket and apply changes without a restart: the
 * narrowest scope that sets a setting wins; a removed key falls back to the next scope, then to the
 * environment or default. A setting the process's environment sets (the command that started it) takes
 * only an operator's value from the bucket, not the environment file's. A value the catalog's schema refuses is logged and ignored: the process keeps
 * what it had rather than run with a bad value. While the bucket cannot be read nothing changes.
 */
export function watchConfig(options: WatchConfigOptions): LiveConfig {
  const { bus, logger, who, initial, env = process.env, onChange } = options;
  const specs = options.settings.map((name) => settingNamed(name));
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  const refusals: Record<string, string> = {};
  const initialSource = (name: string) => (env[name] !== undefined && env[name] !== '' ? 'env' : 'default');
  for (const { name } of specs) {
    values[name] = initial[name];
    sources[name] = initialSource(name);
  }

  const apply = (entries: ReadonlyMap<string, KvEntry>) => {
    const changed: Record<string, unknown> = {};
    for (const spec of specs) {
      const { name } = spec;
      // Precedence: an operator's change > the process's environment > the environment's file > the default.
      const found = bucketValue(entries, who, name, initialSource(name) === 'env');
      let value: unknown = initial[name];
      let source = initialSource(name);
      if (found) {
        const parsed = found.stored
          ? parseSettingValue(spec, found.stored.value)
          : { ok: false as const, reason: 'not a config value ({"value": …, "source": …})' };
        if (!parsed.ok) {
          const shown = found.stored?.value ?? found.raw;
          const reason = `${found.key} = ${JSON.stringify(shown)}: ${parsed.reason}`;
          if (refusals[name] !== reason)
            logger.error(
              { key: found.key, value: shown, reason: parsed.reason },
              `config: refused ${reason}; keeping ${name} = ${JSON.stringify(values[name])}`,
            );
          refusals[name] = reason;
          continue;
        }
        value = parsed.value;
        source = describeSource(found.scope, found.stored!);
      }
      delete refusals[name];
      sources[name] = source;
      if (!Object.is(values[name], value)) {
        logger.info({ setting: name, value, was: values[name], source }, `config: ${name} = ${JSON.stringify(value)} (from ${source})`);
        values[name] = value;
        changed[name] = value;
      }
    }
    if (!Object.keys(changed).length) return;
    try {
      onChange(changed, { ...values });
    } catch (error) {
      logger.error({ err: (error as Error).message, changed }, 'config: applying a change failed');
    }
  };

  const view = watchBucket({ bus, bucket: CONFIG_BUCKET, logger, onChange: apply });
  return {
    current: () => ({ ...values }),
    describe: () => Object.fromEntries(specs.map(({ name }) => [name, { value: values[name], source: sources[name]! }])),
    refused: () => ({ ...refusals }),
    isLive: () => view.isLive(),
    ready: view.ready,
    close: () => view.close(),
  };
}
