import { join } from 'node:path';
import { z } from 'zod';
import { booleanFlag, commonEnv, ConfigError, dataDirEnv, discoveryEnv, natsEnv, parseEnv, port, runMode, secret } from '@retail/kernel';
import type { PlatformEnv } from '@retail/registry';
import { storefrontRoot } from '@retail/storefront';
import { clientSecretVar, devClientSecret, gatewayUrlVar, instanceName, localUrl, type CellDescriptor } from '@retail/descriptor';
import type { CellGatewayTarget } from './edge/cell-routes.ts';
import type { RateLimitSettings } from '@retail/gateway';
import type { DemoPasswords } from './oauth/demo-users.ts';
import type { LoginThrottleSettings } from './oauth/login-throttle.ts';
import { globalGateway, systemCells } from '@retail/topology';
import { placementCell } from '@retail/placement-contract';

const placementPort = placementCell.gateway.port;

const demoUsersOn = (source: Record<string, string | undefined>) =>
  source.DEMO_USERS ? source.DEMO_USERS === 'true' || source.DEMO_USERS === '1' : runMode(source) === 'development';

const commaList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

const schema = z.object({
  ...commonEnv,
  PORT: port(globalGateway.port),
  ...dataDirEnv,
  ISSUER: z
    .url({ protocol: /^https?$/ })
    .default(localUrl(globalGateway.port))
    .transform((v) => v.replace(/\/+$/, '')),
  TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(30)
    .max(24 * 3600)
    .default(900),
  /** The demo customers alice and bob: on in development, in production only when set to `true`. */
  DEMO_USERS: z.enum(['true', 'false', '1', '0', '']).optional(),
  DEMO_PASSWORD_ALICE: secret((source) => (demoUsersOn(source) ? 'alice' : undefined)),
  DEMO_PASSWORD_BOB: secret((source) => (demoUsersOn(source) ? 'bob' : undefined)),
  /** The operator account, admin@example.com, which exists in every mode. */
  ADMIN_PASSWORD: secret('admin'),
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(50),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(100),
  TRUST_PROXY: booleanFlag,
  /** Password guessing: attempts per account / per client address before a lock, which doubles while guessing goes on. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_CLIENT: z.coerce.number().int().min(1).default(20),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).default(30),
  LOGIN_MAX_LOCK_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Customer sign-ups (`POST /auth/register`) per minute per client address; 0 turns the limit off. */
  REGISTER_RATE_PER_MINUTE: z.coerce.number().min(0).default(5),
  /** Password checks (scrypt, ~50 ms of CPU each) running at once; a few more wait, the rest get 429. */
  PASSWORD_CHECK_CONCURRENCY: z.coerce.number().int().min(1).default(4),
  /** Other origins allowed to call the API from a browser; none by default (the storefront is same-origin). */
  CORS_ORIGINS: commaList(''),
  /** Read-only NATS access for the console's live event feed (another server's URL, or its own user). */
  ...natsEnv,
  /** It registers itself and finds the cell gateways' instances in the registry, on NATS. */
  ...discoveryEnv,
  /** The storefront's static files (the @retail/storefront package by default); empty serves none. */
  STOREFRONT_DIR: z.string().default(storefrontRoot),
  CONSOLE_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(1_000),
  /** How often the cell router asks for a newer placement map (a 304 when there is none). */
  PLACEMENT_REFRESH_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
});

/**
 * Per running cell (each partition of a partitioned cell, `ORDERS_2_GATEWAY_URL`): where its gateway
 * listens and its client secret, with local defaults from the descriptor.
 */
const cellSettings = (cellList: readonly CellDescriptor[]) =>
  Object.fromEntries(
    cellList.flatMap((cell) => [
      [gatewayUrlVar(instanceName(cell)), z.url({ protocol: /^https?$/ }).default(localUrl(cell.gateway.port))],
      [clientSecretVar(instanceName(cell)), secret(devClientSecret(instanceName(cell)))],
    ]),
  );

/** The running system: every global cell and every partition (`ORDERS_PARTITIONS` says how many). */
function runningCells(source: Record<string, string | undefined>): CellDescriptor[] {
  try {
    return systemCells(source);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${(error as Error).message}`);
  }
}

export interface GatewayConfig {
  host: string;
  port: number;
  logLevel: string;
  logPretty: boolean;
  releaseIdleMemory: boolean;
  dataDir: string;
  /** Where the signing keys are kept, so tokens survive a restart. */
  keysDir: string;
  /** The customers who signed up (SQLite), so their accounts survive a restart. */
  accountsFile: string;
  issuer: string;
  tokenTtlSeconds: number;
  demoPasswords: DemoPasswords;
  /** Client id (the cell's name, or the partition's: `orders-2`) → secret. */
  clientSecrets: Record<string, string>;
  /** Every running cell's gateway: one per global cell, one per partition of a partitioned cell. */
  cellGateways: CellGatewayTarget[];
  /** The placement cell (its gateway, `PLACEMENT_GATEWAY_URL`), whose map the cell router keeps a copy of. */
  placement: { url: string; refreshMs: number };
  rateLimit: RateLimitSettings;
  login: LoginThrottleSettings & { concurrentPasswordChecks: number };
  signUpsPerMinute: number;
  corsOrigins: string[];
  nats: { url: string; user?: string; pass?: string };
  /** Discovery: how it registers and finds the cell gateways' instances. */
  platform: PlatformEnv;
  /** Absent: no storefront is served. */
  storefrontDir?: string;
  healthTimeoutMs: number;
}

export function loadEnv(
  source: Record<string, string | undefined> = process.env,
  cellList: readonly CellDescriptor[] = runningCells(source),
): GatewayConfig {
  // One parse, so that a deployment missing several secrets hears of all of them at once.
  const parsed: unknown = parseEnv(schema.extend(cellSettings(cellList)), source);
  const env = parsed as z.infer<typeof schema>;
  const perCell = parsed as Record<string, string>;
  return {
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    releaseIdleMemory: env.IDLE_MEMORY_RELEASE,
    dataDir: env.DATA_DIR,
    keysDir: join(env.DATA_DIR, 'keys'),
    accountsFile: join(env.DATA_DIR, 'accounts.db'),
    issuer: env.ISSUER,
    tokenTtlSeconds: env.TOKEN_TTL_SECONDS,
    demoPasswords: demoUsersOn(source)
      ? { admin: env.ADMIN_PASSWORD, alice: env.DEMO_PASSWORD_ALICE, bob: env.DEMO_PASSWORD_BOB }
      : { admin: env.ADMIN_PASSWORD },
    clientSecrets: Object.fromEntries(cellList.map((cell) => [instanceName(cell), perCell[clientSecretVar(instanceName(cell))]!])),
    cellGateways: cellList.map((cell) => ({ cell, url: perCell[gatewayUrlVar(instanceName(cell))]! })),
    placement: { url: new URL(perCell[gatewayUrlVar('placement')] ?? localUrl(placementPort)).origin, refreshMs: env.PLACEMENT_REFRESH_MS },
    rateLimit: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST, trustProxy: env.TRUST_PROXY },
    login: {
      maxFailuresPerAccount: env.LOGIN_MAX_FAILURES,
      maxFailuresPerClient: env.LOGIN_MAX_FAILURES_PER_CLIENT,
      lockSeconds: env.LOGIN_LOCK_SECONDS,
      maxLockSeconds: env.LOGIN_MAX_LOCK_SECONDS,
      concurrentPasswordChecks: env.PASSWORD_CHECK_CONCURRENCY,
    },
    signUpsPerMinute: env.REGISTER_RATE_PER_MINUTE,
    corsOrigins: env.CORS_ORIGINS,
    nats: { url: env.NATS_URL, user: env.NATS_USER, pass: env.NATS_PASS },
    platform: {
      NATS_URL: env.NATS_URL,
      NATS_USER: env.NATS_USER,
      NATS_PASS: env.NATS_PASS,
      DISCOVERY: env.DISCOVERY,
      ADVERTISE_URL: env.ADVERTISE_URL,
      SERVICE_VERSION: env.SERVICE_VERSION,
      HOST: env.HOST,
    },
    storefrontDir: env.STOREFRONT_DIR || undefined,
    healthTimeoutMs: env.CONSOLE_HEALTH_TIMEOUT_MS,
  };
}
