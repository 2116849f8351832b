import { z } from 'zod';

/**
 * The catalog: every setting the `config` bucket may hold. A setting is here only when it is not a
 * secret and its processes apply it while running; anything else stays in the process's environment.
 * Values arrive as strings (the CLI) or as YAML scalars, so every schema coerces.
 */
export interface SettingSpec {
  name: string;
  /** One line, for `npm run config` and the console. */
  summary: string;
  /** Parses and checks a value; its output is what processes get and what the bucket stores. */
  schema: z.ZodType<string | number>;
  /** Whether running processes apply a change at once (all of the catalog's do). */
  live: boolean;
  /**
   * The processes it applies to, as `<cell>/<component>` patterns where `*` is any (`*\/gateway`: every
   * cell gateway), and `gateway-global`. Cells by their descriptor name: a partition's processes match `orders/…`.
   */
  appliesTo: readonly string[];
}

/** A number (`bounds` narrows it) that refuses an empty value, unless `emptyIs` says what empty means (`0` = off). */
const number = (bounds: (n: z.ZodCoercedNumber) => z.ZodType<number>, emptyIs?: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? (emptyIs ?? Number.NaN) : v),
    bounds(
      z.coerce.number({
        error: (issue) =>
          issue.code !== 'invalid_type' ? undefined : issue.expected === 'int' ? 'expected a whole number' : 'expected a number',
      }),
    ),
  );

/** The bounds of shipping/shipments' env.ts: up to a week, 0 or empty = off. */
const delayMs = number(
  (n) =>
    n
      .int()
      .min(0)
      .max(7 * 24 * 60 * 60_000),
  0,
);

const setting = (spec: Omit<SettingSpec, 'live'> & { live?: boolean }): SettingSpec => ({ live: true, ...spec });

export const settings: readonly SettingSpec[] = [
  setting({
    name: 'LOG_LEVEL',
    summary: 'How much a process logs: fatal, error, warn, info, debug, trace or silent.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    appliesTo: ['*/*', 'gateway-global'],
  }),
  setting({
    name: 'RATE_LIMIT_PER_SECOND',
    summary: 'Requests per second a client may make, on average.',
    schema: number((n) => n.min(0)),
    appliesTo: ['*/gateway', 'gateway-global'],
  }),
  setting({
    name: 'RATE_LIMIT_BURST',
    summary: 'Requests a client may make at once above its rate.',
    schema: number((n) => n.int().min(1)),
    appliesTo: ['*/gateway', 'gateway-global'],
  }),
  setting({
    name: 'BREAKER_FAILURES',
    summary: 'Consecutive failures to get an answer that open the circuit breaker to a dependency.',
    schema: number((n) => n.int().min(1).max(100)),
    appliesTo: ['inventory/allocation'],
  }),
  setting({
    name: 'BREAKER_RESET_MS',
    summary: 'How long an open circuit fails calls at once before letting one trial call through.',
    schema: number((n) => n.int().min(100).max(600_000)),
    appliesTo: ['inventory/allocation'],
  }),
  setting({
    name: 'AUTO_DISPATCH_AFTER_MS',
    summary: 'Dispatch a new shipment automatically this long after it is created; 0 = off (operators dispatch).',
    schema: delayMs,
    appliesTo: ['shipping/shipments'],
  }),
  setting({
    name: 'AUTO_DELIVER_AFTER_MS',
    summary: 'Deliver a dispatched shipment automatically this long after dispatch; 0 = off.',
    schema: delayMs,
    appliesTo: ['shipping/shipments'],
  }),
  setting({
    name: 'MIGRATION_CONCURRENCY',
    summary: 'Moves of customers between partitions the placement cell runs at once (a drain queues the rest).',
    schema: number((n) => n.int().min(1).max(64)),
    appliesTo: ['placement/placements'],
  }),
  setting({
    name: 'MIGRATION_STEP_TIMEOUT_MS',
    summary: 'How long a step of a move may keep failing before the flip (the target down, say) before the move is rolled back.',
    schema: number((n) => n.int().min(100).max(600_000)),
    appliesTo: ['placement/placements'],
  }),
  setting({
    name: 'MIGRATION_GRACE_MS',
    summary: 'After a move flips the map, how long the source partition keeps answering reads while the cell router catches up.',
    schema: number((n) => n.int().min(0).max(60_000)),
    appliesTo: ['placement/placements'],
  }),
  setting({
    name: 'MIGRATION_STEP_DELAY_MS',
    summary: 'A pause before each step of a move: 0 in production; lets a demonstration catch a move half-way.',
    schema: delayMs,
    appliesTo: ['placement/placements'],
  }),
];

const byName = new Map(settings.map((s) => [s.name, s]));
const SECRET_LIKE = /SECRET|PASS|TOKEN|KEY/i;

/**
 * The catalog's entry for `name`. Throws for anything else, saying why: a name that looks like a secret
 * is refused as such (secrets never go into the bucket, which every process can read).
 */
export function settingNamed(name: string): SettingSpec {
  const spec = byName.get(name);
  if (spec) return spec;
  if (SECRET_LIKE.test(name))
    throw new Error(
      `${name} looks like a secret: secrets never go into the config bucket (every process may read it); set it in the environment`,
    );
  throw new Error(`${name} is not a setting the config bucket holds; it holds ${settings.map((s) => s.name).join(', ')}`);
}

export type ParsedValue = { ok: true; value: string | number } | { ok: false; reason: string };

/** Check a value against its setting's schema, with the reason in words when it is refused. */
export function parseSettingValue(spec: SettingSpec, raw: unknown): ParsedValue {
  const result = spec.schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, reason: result.error.issues.map((i) => i.message).join('; ') };
}

/** Whether a setting applies to a process, known by its path (`orders/checkout`, `products/gateway`, `gateway-global`). */
export function appliesTo(spec: SettingSpec, processPath: string): boolean {
  const [cell, component] = processPath.split('/');
  return spec.appliesTo.some((pattern) => {
    const [c, p] = pattern.split('/');
    if (p === undefined || component === undefined) return pattern === processPath;
    return (c === '*' || c === cell) && (p === '*' || p === component);
  });
}

/**
 * A catalog setting in a service's env.ts schema, with its default there: the process validates its
 * value at start with the same schema the live configuration checks every change with.
 *
 * @example
 * BREAKER_FAILURES: settingSchema('BREAKER_FAILURES', 3),
 */
export function settingSchema<T extends string | number>(name: string, fallback: T): z.ZodType<T> {
  return settingNamed(name).schema.default(fallback as never) as unknown as z.ZodType<T>;
}
