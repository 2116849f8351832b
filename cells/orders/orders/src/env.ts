import { join } from 'node:path';
import { z } from 'zod';
import { cellServiceEnv, parseEnv } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import { component, devWorkloadSecret, instanceName, localUrl, runningCell, type CellDescriptor } from '@retail/descriptor';

const self = component(ordersCell, 'orders');

export function loadEnv(source = process.env) {
  return parseEnv(
    z.object({
      ...cellServiceEnv({
        port: self.port,
        cellGatewayUrl: localUrl(ordersCell.gateway.port),
        workloadSecret: devWorkloadSecret(ordersCell.name, self.name),
      }),
      /** A client of `GET /orders/events` that takes no write for this long is hung up on (it resumes). */
      STREAM_WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    }),
    source,
  );
}

export type Env = ReturnType<typeof loadEnv>;
/** `DATA_DIR/<partition>/orders.db`: each partition of the cell keeps its own file. */
export const databaseFile = (env: Env, cell: CellDescriptor = runningCell(ordersCell)) =>
  join(env.DATA_DIR, instanceName(cell), self.datastore!);
