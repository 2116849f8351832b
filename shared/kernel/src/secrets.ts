import { readFileSync } from 'node:fs';
import { z } from 'zod';

type Source = Record<string, string | undefined>;

/**
 * Development (`npm start`, `npm run dev`, tests) or a deployment. `NODE_ENV=production`, which the
 * image sets, is a deployment: there no secret falls back to a default, and a known default is refused.
 */
export type RunMode = 'development' | 'production';
export const runMode = (source: Source): RunMode => (source.NODE_ENV === 'production' ? 'production' : 'development');

/** What a deployed secret must at least be: long enough that it was not typed by hand. */
export const MIN_DEPLOYED_SECRET_LENGTH = 16;

/**
 * The value a secret takes in development, from the rest of the settings; `undefined` when the secret
 * is not needed at all (a NATS password without a NATS user, demo passwords without demo users).
 */
type DevDefault = string | ((source: Source) => string | undefined);

const secretSettings = z.registry<{ devDefault: DevDefault }>();

/**
 * A secret setting. Given as `NAME`, or as a file named by `NAME_FILE` (how compose hands secrets
 * over). In development it falls back to `devDefault`; in production it must be set, at least
 * MIN_DEPLOYED_SECRET_LENGTH characters, and not the development default: the process refuses to start
 * and names the variable.
 */
export function secret(devDefault: string): z.ZodString;
/** A secret always needed, whose development default depends on other settings (a partition's own). */
export function secret(devDefault: (source: Source) => string): z.ZodString;
/** A secret needed only in some settings: `devDefault` says when (a value) and when not (`undefined`). */
export function secret(devDefault: (source: Source) => string | undefined): z.ZodOptional<z.ZodString>;
export function secret(devDefault: DevDefault) {
  const schema = typeof devDefault === 'string' ? z.string().min(1) : z.string().min(1).optional();
  secretSettings.add(schema, { devDefault });
  return schema;
}

/** A secret's value: `NAME` itself, else the content of the file `NAME_FILE` names, without its trailing newline. */
function readSecret(source: Source, key: string): string | undefined {
  const path = source[`${key}_FILE`];
  if (source[key] || !path) return source[key];
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new SecretError([`${key}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
}

export class SecretError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

/**
 * Applies the secret rules of `shape` to `source`: each secret read from `NAME` or `NAME_FILE`;
 * development fills in defaults; production refuses a missing, short or default secret. Returns the
 * source to parse.
 */
export function resolveSecrets(shape: Record<string, z.ZodType>, source: Source): Source {
  const mode = runMode(source);
  const resolved: Source = { ...source };
  const problems: string[] = [];
  for (const [key, field] of Object.entries(shape)) {
    const meta = secretSettings.get(field);
    if (!meta) continue;
    const fallback = typeof meta.devDefault === 'function' ? meta.devDefault(source) : meta.devDefault;
    const value = readSecret(source, key);
    if (value) resolved[key] = value;
    if (fallback === undefined) continue;
    if (mode === 'development') {
      if (!value) resolved[key] = fallback;
    } else if (!value) {
      problems.push(`${key}: required in production (set ${key}, or ${key}_FILE to a file holding it)`);
    } else if (value === fallback) {
      problems.push(`${key}: is the development default; a deployment needs its own secret`);
    } else if (value.length < MIN_DEPLOYED_SECRET_LENGTH) {
      problems.push(`${key}: too short for production (at least ${MIN_DEPLOYED_SECRET_LENGTH} characters)`);
    }
  }
  if (problems.length) throw new SecretError(problems);
  return resolved;
}

/** The development password of a NATS user; nats.conf for `npm start` and the tests accepts it. */
export const devNatsPassword = (user: string) => `${user}-nats-dev`;
