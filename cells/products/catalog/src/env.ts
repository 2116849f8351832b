import { join } from 'node:path';
import { z } from 'zod';
import { booleanFlag, commonEnv, dataDirEnv, natsEnv, parseEnv, port } from '@retail/kernel';
import { productsCell } from '@retail/products-contract';
import { component, internalJwksUrl, localUrl } from '@retail/topology';

const self = component(productsCell, 'catalog');

export function loadEnv(source = process.env) {
  return parseEnv(
    z.object({
      ...commonEnv,
      PORT: port(self.port),
      ...dataDirEnv,
      ...natsEnv,
      /** Where the products gateway publishes the keys of its internal tokens. */
      INTERNAL_JWKS_URL: z.url().default(internalJwksUrl(localUrl(productsCell.gateway.port))),
      SEED_DEMO_DATA: booleanFlag.default(true),
    }),
    source,
  );
}

export type Env = ReturnType<typeof loadEnv>;
export const databaseFile = (env: Env) => join(env.DATA_DIR, productsCell.name, self.datastore!);
