import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { checkSetting } from './entry.ts';

/** One value of a config file, checked. */
export interface FileSetting {
  scope: string;
  setting: string;
  value: string | number;
}

export interface ConfigFile {
  /** How values from it are labelled in the bucket: its path from the working directory, `config/development.yaml`. */
  source: string;
  settings: FileSetting[];
}

/** A file's label: relative to the working directory when inside it, else absolute. */
export function fileSource(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel.replaceAll('\\', '/');
}

/**
 * Read and check a whole config file (top-level keys are scopes, each a map of setting → value) before
 * any of it is used: an unknown scope or setting, a secret, or an invalid value fails the whole file,
 * naming the file, the scope and the setting.
 */
export function loadConfigFile(path: string, source = fileSource(path)): ConfigFile {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
  if (doc === null || doc === undefined) return { source, settings: [] };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${source}: expected a map of scopes (system:, orders/checkout:, …)`);
  const out: FileSetting[] = [];
  for (const [scope, values] of Object.entries(doc)) {
    if (values === null) continue; // a scope whose values are all commented out
    if (typeof values !== 'object' || Array.isArray(values)) throw new Error(`${source}: ${scope}: expected a map of setting → value`);
    for (const [setting, value] of Object.entries(values as Record<string, unknown>)) {
      if (typeof value !== 'string' && typeof value !== 'number')
        throw new Error(`${source}: ${scope}: ${setting}: expected a string or a number, not ${JSON.stringify(value)}`);
      try {
        out.push(checkSetting(scope, setting, value));
      } catch (error) {
        throw new Error(`${source}: ${scope}: ${setting}: ${(error as Error).message}`);
      }
    }
  }
  return { source, settings: out };
}
