import { join } from 'node:path';
import { z } from 'zod';
import { booleanFlag, commonEnv, parseEnv, port } from '@retail/kernel';
import { productsCell } from '@retail/products-contract';
import { component, localUrl } from '@retail/topology';

const self = component(productsCell, 'catalog');

export function loadEnv(source = process.env) {
  return parseEnv(
    z.object({
      ...commonEnv,
      PORT: port(self.port),
      DATA_DIR: z.string().default('.data'),
      NATS_URL: z.string().default('nats://127.0.0.1:4222'),
      NATS_USER: z.string().optional(),
      NATS_PASS: z.string().optional(),
      /** Where the products gateway publishes the keys of its internal tokens. */
      INTERNAL_JWKS_URL: z.url().default(`${localUrl(productsCell.gateway.port)}/.well-known/jwks.json`),
      SEED_DEMO_DATA: booleanFlag.default(true),
    }),
    source,
  );
}

export type Env = ReturnType<typeof loadEnv>;
export const databaseFile = (env: Env) => join(env.DATA_DIR, productsCell.name, self.datastore!);
