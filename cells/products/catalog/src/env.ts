import { join } from 'node:path';
import { z } from 'zod';
import { booleanFlag, cellServiceEnv, parseEnv } from '@retail/kernel';
import { productsCell } from '@retail/products-contract';
import { component, devWorkloadSecret, localUrl } from '@retail/descriptor';

const self = component(productsCell, 'catalog');

export function loadEnv(source = process.env) {
  const schema = z.object({
    ...cellServiceEnv({
      port: self.port,
      cellGatewayUrl: localUrl(productsCell.gateway.port),
      workloadSecret: devWorkloadSecret(productsCell.name, self.name),
    }),
    /** Seed the demo catalog into an empty database (once). */
    SEED_DEMO_DATA: booleanFlag.default(true),
  });
  return parseEnv(schema, source);
}

export type Env = ReturnType<typeof loadEnv>;
export const databaseFile = (env: Env) => join(env.DATA_DIR, productsCell.name, self.datastore!);
