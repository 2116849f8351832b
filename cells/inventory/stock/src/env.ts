import { join } from 'node:path';
import { z } from 'zod';
import { cellServiceEnv, parseEnv } from '@retail/kernel';
import { inventoryCell } from '@retail/inventory-contract';
import { component, devWorkloadSecret, localUrl } from '@retail/descriptor';

const self = component(inventoryCell, 'stock');

export function loadEnv(source = process.env) {
  const schema = z.object({
    ...cellServiceEnv({
      port: self.port,
      cellGatewayUrl: localUrl(inventoryCell.gateway.port),
      workloadSecret: devWorkloadSecret(inventoryCell.name, self.name),
    }),
    /** Units a product outside the demo catalog starts with when it is created. */
    NEW_PRODUCT_STOCK: z.coerce.number().int().min(0).max(1_000_000).default(0),
  });
  return parseEnv(schema, source);
}

export type Env = ReturnType<typeof loadEnv>;
export const databaseFile = (env: Env) => join(env.DATA_DIR, inventoryCell.name, self.datastore!);
