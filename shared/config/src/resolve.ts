import type { KvEntry } from '@retail/events';
import { decodeSetting, OPERATOR_SOURCE, type StoredSetting } from './entry.ts';
import { configKey, processPath, scopeChain, type ConfigTarget } from './scope.ts';
import { appliesTo, settings } from './settings.ts';

/** A setting's value for one process, with where it came from: `orders/checkout (operator)`, `env`, `default`. */
export interface EffectiveSetting {
  value: unknown;
  source: string;
}

/** The bucket's value of a setting for a process: the narrowest scope that sets it, and its key. */
export interface BucketValue {
  key: string;
  scope: string;
  stored: StoredSetting | undefined;
  /** The raw text when it is not a stored setting (written by another tool). */
  raw: string;
}

/** `orders/checkout (operator)`, `system (config/development.yaml)`. */
export const describeSource = (scope: string, stored: StoredSetting) => `${scope} (${stored.source})`;

/**
 * The entry that configures `setting` for `target`, narrowest scope first; undefined when no scope sets
 * it. `operatorOnly`: the process's own environment sets it, which outranks the environment's file
 * (`config/<environment>.yaml`, the baseline) but not an operator's live change.
 */
export function bucketValue(
  entries: ReadonlyMap<string, KvEntry>,
  target: ConfigTarget,
  setting: string,
  operatorOnly = false,
): BucketValue | undefined {
  const chain = scopeChain(target);
  for (let i = chain.length - 1; i >= 0; i--) {
    const key = configKey(chain[i]!, setting);
    const entry = entries.get(key);
    if (!entry) continue;
    const stored = decodeSetting(entry.value);
    if (operatorOnly && stored && stored.source !== OPERATOR_SOURCE) continue;
    return { key, scope: chain[i]!, stored, raw: entry.value };
  }
  return undefined;
}

/** The catalog's settings that apply to a process. */
export const settingsFor = (target: ConfigTarget): string[] => settings.filter((s) => appliesTo(s, processPath(target))).map((s) => s.name);

/**
 * The configuration of any process as the bucket says it (the console and `npm run config -- get` show
 * it): per setting the narrowest scope's value and where it was set. A setting no scope sets comes from
 * the process's own environment or default, which only the process knows (`fallback`, e.g. what it reported
 * to the registry); without one it reads `env or default`.
 */
export function effectiveConfig(
  entries: ReadonlyMap<string, KvEntry>,
  target: ConfigTarget,
  names: readonly string[] = settingsFor(target),
  fallback: Record<string, EffectiveSetting> = {},
): Record<string, EffectiveSetting> {
  const out: Record<string, EffectiveSetting> = {};
  for (const name of names) {
    const found = bucketValue(entries, target, name);
    if (found?.stored) out[name] = { value: found.stored.value, source: describeSource(found.scope, found.stored) };
    else if (found) out[name] = { value: found.raw, source: `${found.scope} (unreadable)` };
    else out[name] = fallback[name] ?? { value: undefined, source: 'env or default' };
  }
  return out;
}
