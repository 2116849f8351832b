import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { installedVersion, upgradeNotice } from './installed-version.ts';

const hook = new URL('./drizzle-cjs.ts', import.meta.url).href;
const here = fileURLToPath(new URL('.', import.meta.url));

/** Where a fresh Node process (this package's folder, with or without the hook) resolves `specifiers`. */
function resolvedIn(specifiers: string[], withHook: boolean): string[] {
  const script = `console.log(JSON.stringify(${JSON.stringify(specifiers)}.map((s) => import.meta.resolve(s))))`;
  const args = [...(withHook ? ['--import', hook] : []), '--input-type=module', '-e', script];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8' })) as string[];
}

it('is the drizzle-orm the patch was written for', () => {
  expect(installedVersion('drizzle-orm', import.meta.url), upgradeNotice('drizzle-orm', 'drizzle-cjs.ts')).toBe('0.45');
});

it('makes every drizzle-orm import resolve to its CommonJS build, which the plain resolution does not', () => {
  const specifiers = ['drizzle-orm', 'drizzle-orm/better-sqlite3', 'drizzle-orm/sqlite-core'];
  expect(resolvedIn(specifiers, true).every((url) => url.endsWith('.cjs'))).toBe(true);
  expect(resolvedIn(specifiers, false).every((url) => url.endsWith('.js'))).toBe(true);
});
