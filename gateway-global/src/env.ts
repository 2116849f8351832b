import { join } from 'node:path';
import { z } from 'zod';
import { booleanFlag, commonEnv, dataDirEnv, natsEnv, parseEnv, port } from '@retail/kernel';
import { storefrontRoot } from '@retail/storefront';
import { gatewayUrlVar, localUrl, type CellDescriptor } from '@retail/descriptor';
import type { CellGatewayTarget } from './edge/cell-routes.ts';
import type { RateLimitSettings } from './edge/rate-limit.ts';
import type { DemoPasswords } from './oauth/demo-users.ts';
import { cells, globalGateway } from '@retail/topology';

/** `products` → `CLIENT_SECRET_PRODUCTS`: the secret of a cell's client-credentials client. */
export const clientSecretVar = (cell: string) => `CLIENT_SECRET_${cell.replace(/-/g, '_').toUpperCase()}`;

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
  DEMO_PASSWORD_ALICE: z.string().min(1).default('alice'),
  DEMO_PASSWORD_BOB: z.string().min(1).default('bob'),
  DEMO_PASSWORD_ADMIN: z.string().min(1).default('admin'),
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(50),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(100),
  TRUST_PROXY: booleanFlag,
  CORS_ORIGINS: commaList('http://localhost:5173,http://127.0.0.1:5173'),
  /** Read-only NATS access for the console's live event feed (another server's URL, or its own user). */
  ...natsEnv,
  /** The storefront's static files (the @retail/storefront package by default); empty serves none. */
  STOREFRONT_DIR: z.string().default(storefrontRoot),
  CONSOLE_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(1_000),
});

/** Per cell: where its gateway listens and its client secret, with local defaults from the descriptor. */
const cellSchema = (cellList: readonly CellDescriptor[]) =>
  z.object(
    Object.fromEntries(
      cellList.flatMap((cell) => [
        [gatewayUrlVar(cell.name), z.url({ protocol: /^https?$/ }).default(localUrl(cell.gateway.port))],
        [clientSecretVar(cell.name), z.string().min(1).default(`${cell.name}-dev-secret`)],
      ]),
    ),
  );

export interface GatewayConfig {
  host: string;
  port: number;
  logLevel: string;
  logPretty: boolean;
  releaseIdleMemory: boolean;
  dataDir: string;
  /** Where the signing keys are kept, so tokens survive a restart. */
  keysDir: string;
  issuer: string;
  tokenTtlSeconds: number;
  demoPasswords: DemoPasswords;
  /** Client id (the cell name) → secret. */
  clientSecrets: Record<string, string>;
  cellGateways: CellGatewayTarget[];
  rateLimit: RateLimitSettings;
  corsOrigins: string[];
  nats: { url: string; user?: string; pass?: string };
  /** Absent: no storefront is served. */
  storefrontDir?: string;
  healthTimeoutMs: number;
}

export function loadEnv(
  source: Record<string, string | undefined> = process.env,
  cellList: readonly CellDescriptor[] = cells,
): GatewayConfig {
  const env = parseEnv(schema, source);
  const perCell = parseEnv(cellSchema(cellList), source) as Record<string, string>;
  return {
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    releaseIdleMemory: env.IDLE_MEMORY_RELEASE,
    dataDir: env.DATA_DIR,
    keysDir: join(env.DATA_DIR, 'keys'),
    issuer: env.ISSUER,
    tokenTtlSeconds: env.TOKEN_TTL_SECONDS,
    demoPasswords: { alice: env.DEMO_PASSWORD_ALICE, bob: env.DEMO_PASSWORD_BOB, admin: env.DEMO_PASSWORD_ADMIN },
    clientSecrets: Object.fromEntries(cellList.map((cell) => [cell.name, perCell[clientSecretVar(cell.name)]!])),
    cellGateways: cellList.map((cell) => ({ cell, url: perCell[gatewayUrlVar(cell.name)]! })),
    rateLimit: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST, trustProxy: env.TRUST_PROXY },
    corsOrigins: env.CORS_ORIGINS,
    nats: { url: env.NATS_URL, user: env.NATS_USER, pass: env.NATS_PASS },
    storefrontDir: env.STOREFRONT_DIR || undefined,
    healthTimeoutMs: env.CONSOLE_HEALTH_TIMEOUT_MS,
  };
}
