import { join } from 'node:path';
import { z } from 'zod';
import { cellServiceEnv, parseEnv } from '@retail/kernel';
import { shippingCell } from '@retail/shipping-contract';
import { component, devWorkloadSecret, localUrl } from '@retail/descriptor';

const self = component(shippingCell, 'shipments');
const delayMs = z.coerce
  .number()
  .int()
  .min(0)
  .max(7 * 24 * 60 * 60_000)
  .default(0);

export function loadEnv(source = process.env) {
  const schema = z.object({
    ...cellServiceEnv({
      port: self.port,
      cellGatewayUrl: localUrl(shippingCell.gateway.port),
      workloadSecret: devWorkloadSecret(shippingCell.name, self.name),
    }),
    /** Dispatch a new shipment automatically this long after it is created; 0 = off (operators dispatch). */
    AUTO_DISPATCH_AFTER_MS: delayMs,
    /** Deliver a dispatched shipment automatically this long after dispatch; 0 = off. */
    AUTO_DELIVER_AFTER_MS: delayMs,
  });
  return parseEnv(schema, source);
}

export type Env = ReturnType<typeof loadEnv>;
export const databaseFile = (env: Env) => join(env.DATA_DIR, shippingCell.name, self.datastore!);
