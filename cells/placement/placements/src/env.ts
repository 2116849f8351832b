import { join } from 'node:path';
import { z } from 'zod';
import { settingSchema } from '@retail/config';
import { cellServiceEnv, parseEnv, secret } from '@retail/kernel';
import { placementCell } from '@retail/placement-contract';
import { component, devClientSecret, devWorkloadSecret, localUrl } from '@retail/descriptor';
import { partitionGateways, systemCells } from '@retail/topology';
import { partitionedCells } from './system.ts';

const self = component(placementCell, 'placements');

export function loadEnv(source = process.env) {
  // Every partition's gateway, where the migration controller moves customers' orders (`ORDERS_2_GATEWAY_URL`).
  const gateways = partitionedCells(systemCells(source)).flatMap(({ cell }) => partitionGateways(cell, source));
  const env = parseEnv(
    z.object({
      ...cellServiceEnv({
        port: self.port,
        cellGatewayUrl: localUrl(placementCell.gateway.port),
        workloadSecret: devWorkloadSecret(placementCell.name, self.name),
      }),
      /** gateway-global's token service, for this cell's client-credentials token (scope `orders:migrate`). */
      TOKEN_URL: z.url().default(`${localUrl(8080)}/auth/token`),
      /** Its client secret at the token service (CLIENT_SECRET_PLACEMENT there). */
      CLIENT_SECRET: secret(devClientSecret(placementCell.name)),
      /** Moves (live: `npm run config -- set placement/placements MIGRATION_CONCURRENCY 8`), shared/config's catalog says each. */
      MIGRATION_CONCURRENCY: settingSchema('MIGRATION_CONCURRENCY', 4),
      MIGRATION_STEP_TIMEOUT_MS: settingSchema('MIGRATION_STEP_TIMEOUT_MS', 10_000),
      MIGRATION_GRACE_MS: settingSchema('MIGRATION_GRACE_MS', 1_500),
      MIGRATION_STEP_DELAY_MS: settingSchema('MIGRATION_STEP_DELAY_MS', 0),
      ...Object.fromEntries(gateways.map((g) => [g.variable, z.url().default(g.fallback)])),
    }),
    source,
  );
  const urls = env as unknown as Record<string, string>;
  return { ...env, partitionGateways: new Map(gateways.map((g) => [g.partition, urls[g.variable]!])) };
}

export type Env = ReturnType<typeof loadEnv>;
/** `DATA_DIR/placement/placement.db`. */
export const databaseFile = (env: Env) => join(env.DATA_DIR, placementCell.name, self.datastore!);
