import { ensureBucket, kvDelete, kvPut, kvSnapshot, type Bus } from '@retail/events';
import { CONFIG_BUCKET, configBucket, decodeSetting, encodeSetting, OPERATOR_SOURCE } from './entry.ts';
import { loadConfigFile } from './file.ts';
import { configKey } from './scope.ts';

export interface SeedSummary {
  source: string;
  /** Keys written (new or changed in the file). */
  written: string[];
  /** Keys the file sets but an operator changed live: their value stays. */
  kept: string[];
  /** Keys a file had set that this file no longer has. */
  removed: string[];
  /** Keys already holding the file's value. */
  unchanged: string[];
}

/**
 * Load a config file into the bucket when the system starts (or `npm run config -- load`): the file is
 * checked whole first, then each value is written unless an operator set that key live (a restart keeps
 * operators' changes; `unset` hands the key back to the file), and keys a file set that it no longer has
 * are removed. Creates the bucket if missing, so it needs a NATS user allowed to (the system user).
 */
export async function seedConfig(options: { bus: Bus; file: string; source?: string }): Promise<SeedSummary> {
  const { bus } = options;
  const file = loadConfigFile(options.file, options.source);
  await ensureBucket(bus.jsm, configBucket);
  const current = await kvSnapshot(bus, CONFIG_BUCKET);
  const summary: SeedSummary = { source: file.source, written: [], kept: [], removed: [], unchanged: [] };
  const inFile = new Set<string>();
  for (const { scope, setting, value } of file.settings) {
    const key = configKey(scope, setting);
    inFile.add(key);
    const stored = decodeSetting(current.get(key)?.value ?? '');
    if (stored?.source === OPERATOR_SOURCE) summary.kept.push(key);
    else if (stored?.source === file.source && stored.value === value) summary.unchanged.push(key);
    else {
      await kvPut(bus, CONFIG_BUCKET, key, encodeSetting(value, file.source));
      summary.written.push(key);
    }
  }
  for (const [key, entry] of current) {
    const stored = decodeSetting(entry.value);
    if (inFile.has(key) || !stored || stored.source === OPERATOR_SOURCE) continue;
    await kvDelete(bus, CONFIG_BUCKET, key);
    summary.removed.push(key);
  }
  return summary;
}
