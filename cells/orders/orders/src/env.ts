import { join } from 'node:path';
import { z } from 'zod';
import { cellServiceEnv, parseEnv } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import { component, devWorkloadSecret, localUrl } from '@retail/descriptor';

const self = component(ordersCell, 'orders');

export function loadEnv(source = process.env) {
  return parseEnv(
    z.object(
      cellServiceEnv({
        port: self.port,
        cellGatewayUrl: localUrl(ordersCell.gateway.port),
        workloadSecret: devWorkloadSecret(ordersCell.name, self.name),
      }),
    ),
    source,
  );
}

export type Env = ReturnType<typeof loadEnv>;
export const databaseFile = (env: Env) => join(env.DATA_DIR, ordersCell.name, self.datastore!);
