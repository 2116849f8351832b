import { join } from 'node:path';
import { z } from 'zod';
import { cellServiceEnv, parseEnv } from '@retail/kernel';
import { productsCell } from '@retail/products-contract';
import { component, devWorkloadSecret, localUrl } from '@retail/descriptor';

const self = component(productsCell, 'browse');

export function loadEnv(source = process.env) {
  return parseEnv(
    z.object(
      cellServiceEnv({
        port: self.port,
        cellGatewayUrl: localUrl(productsCell.gateway.port),
        workloadSecret: devWorkloadSecret(productsCell.name, self.name),
      }),
    ),
    source,
  );
}

export type Env = ReturnType<typeof loadEnv>;
export const databaseFile = (env: Env) => join(env.DATA_DIR, productsCell.name, self.datastore!);
