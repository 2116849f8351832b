import type { BucketSpec } from '@retail/events';
import { parseScope, processesWithin } from './scope.ts';
import { appliesTo, parseSettingValue, settingNamed } from './settings.ts';

/** The bucket of non-secret settings (provisioned with the streams; read by every process, written by operators' tools). */
export const CONFIG_BUCKET = 'config';
/** Values stay until removed: a setting has no lifetime. */
export const configBucket: BucketSpec = { name: CONFIG_BUCKET };

/** Who set a value: an operator (`npm run config -- set`) or a config file, by its path. */
export const OPERATOR_SOURCE = 'operator';

/** A key's value in the bucket, as JSON. */
export interface StoredSetting {
  value: string | number;
  /** `operator`, or the file it was seeded from, e.g. `config/development.yaml`. */
  source: string;
  /** ISO time it was written. */
  at: string;
}

/** Read a stored value; undefined for anything that is not one (written by hand with another tool). */
export function decodeSetting(text: string): StoredSetting | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<StoredSetting> | null;
    const ok =
      parsed !== null &&
      typeof parsed === 'object' &&
      (typeof parsed.value === 'string' || typeof parsed.value === 'number') &&
      typeof parsed.source === 'string';
    return ok ? { value: parsed.value!, source: parsed.source!, at: String(parsed.at ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

export const encodeSetting = (value: string | number, source: string): string =>
  JSON.stringify({ value, source, at: new Date().toISOString() } satisfies StoredSetting);

/**
 * Check one value before it is written: a known scope, a setting of the catalog that applies to some
 * process within that scope, and a valid value. Returns the value as stored (a number for a numeric
 * setting); throws a message naming what is wrong.
 */
export function checkSetting(scopeText: string, name: string, raw: unknown): { scope: string; setting: string; value: string | number } {
  const scope = parseScope(scopeText);
  const spec = settingNamed(name);
  if (!processesWithin(scope).some((p) => appliesTo(spec, p)))
    throw new Error(`${name} does not apply to anything in ${scope.text}; it applies to ${spec.appliesTo.join(', ')}`);
  const parsed = parseSettingValue(spec, raw);
  if (!parsed.ok) throw new Error(`${JSON.stringify(raw)} is not a valid ${name}: ${parsed.reason}`);
  return { scope: scope.text, setting: name, value: parsed.value };
}
