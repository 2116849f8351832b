import { join } from 'node:path';
import { z } from 'zod';
import { cellServiceEnv, parseEnv } from '@retail/kernel';
import { placementCell } from '@retail/placement-contract';
import { component, devWorkloadSecret, localUrl } from '@retail/descriptor';

const self = component(placementCell, 'placements');

export function loadEnv(source = process.env) {
  return parseEnv(
    z.object(
      cellServiceEnv({
        port: self.port,
        cellGatewayUrl: localUrl(placementCell.gateway.port),
        workloadSecret: devWorkloadSecret(placementCell.name, self.name),
      }),
    ),
    source,
  );
}

export type Env = ReturnType<typeof loadEnv>;
/** `DATA_DIR/placement/placement.db`. */
export const databaseFile = (env: Env) => join(env.DATA_DIR, placementCell.name, self.datastore!);
