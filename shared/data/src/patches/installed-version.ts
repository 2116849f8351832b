import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';

/**
 * The `major.minor` of a package as it is installed where `from` (a module URL) would import it: what
 * a patch's test pins, so that an upgrade fails that test instead of changing production quietly.
 *
 * @example
 * installedVersion('better-sqlite3', import.meta.url); // '13.2'
 */
export function installedVersion(name: string, from: string): string {
  const file = findPackageJSON(name, from);
  if (!file) throw new Error(`${name} is not installed where ${from} could import it`);
  const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version: string };
  return version.split('.').slice(0, 2).join('.');
}

/** The message of a failed pin: what to re-check before moving the pin. */
export const upgradeNotice = (name: string, patch: string) =>
  `${name} was upgraded: re-check the patch in ${patch} against the new version (the other tests of this file say what it assumes), then move the pin`;
