import { z } from 'zod';
import { devNatsPassword, resolveSecrets, runMode, secret, SecretError } from './secrets.ts';

export class ConfigError extends Error {}

/** Parse configuration once, in env.ts, with local defaults; a bad value stops the process with a clear message. */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined> = process.env): z.infer<S> {
  let settings: Record<string, string | undefined>;
  try {
    settings = schema instanceof z.ZodObject ? resolveSecrets(schema.shape, source) : source;
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    throw new ConfigError(`Refusing to start (${runMode(source)} mode):\n${error.problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const result = schema.safeParse(settings);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${lines}`);
  }
  return result.data;
}

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** A flag that is on unless set to `false` or `0`. */
const onUnlessFalse = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v !== 'false' && v !== '0');

/** Settings every process shares. Spread into a service's own schema. */
export const commonEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanFlag,
  HOST: z.string().default('127.0.0.1'),
  /**
   * Give memory back when the process goes idle (idle-memory.ts); on unless `false`. Off, a process
   * keeps what its busiest spell grew to, without the occasional full GC: for measuring, or for a
   * runtime whose V8 the patch in patches/expose-gc.ts does not fit. Passed to serveApp as
   * `releaseIdleMemory`.
   */
  IDLE_MEMORY_RELEASE: onUnlessFalse,
};

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export { booleanFlag };

/** Settings of every process that talks to NATS. */
export const natsEnv = {
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  /** Development: the development password of NATS_USER (compose/src/nats-auth.ts); a deployment must set its own. */
  NATS_PASS: secret((source) => (source.NATS_USER ? devNatsPassword(source.NATS_USER) : undefined)),
};

/**
 * How a process finds the instances it calls, and how it is found (@retail/registry): `registry` (the
 * default) registers it in the NATS registry bucket and balances its calls over the instances listed
 * there; `static` only ever uses the configured URLs (one instance each, as before discovery).
 */
export const discoveryEnv = {
  DISCOVERY: z.enum(['registry', 'static']).default('registry'),
  /** Where callers reach this instance; by default `http://<HOST>:<PORT>` (a container sets its service name). */
  ADVERTISE_URL: z.url().optional(),
  /** Shown in the registry: what this instance runs. */
  SERVICE_VERSION: z.string().default('dev'),
};

/** Where a process keeps its files (SQLite databases, keys). */
export const dataDirEnv = { DATA_DIR: z.string().default('.data') };

/**
 * Settings of a service inside a cell: port, data, NATS, its cell gateway (which publishes the keys of
 * the internal tokens and issues workload tokens) and its own workload credential, which its gateway
 * knows as `WORKLOAD_SECRET_<COMPONENT>` (default: descriptor's `devWorkloadSecret`).
 */
export const cellServiceEnv = (defaults: { port: number; cellGatewayUrl: string; workloadSecret: string }) => ({
  ...commonEnv,
  ...dataDirEnv,
  ...natsEnv,
  ...discoveryEnv,
  PORT: port(defaults.port),
  CELL_GATEWAY_URL: z.url().default(defaults.cellGatewayUrl),
  WORKLOAD_SECRET: secret(defaults.workloadSecret),
});
