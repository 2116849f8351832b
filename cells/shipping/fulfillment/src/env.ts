import { z } from 'zod';
import { cellServiceEnv, parseEnv } from '@retail/kernel';
import { shippingCell } from '@retail/shipping-contract';
import { component, devWorkloadSecret, localUrl } from '@retail/descriptor';

const self = component(shippingCell, 'fulfillment');
const core = component(shippingCell, 'shipments');

export function loadEnv(source = process.env) {
  const schema = z.object({
    ...cellServiceEnv({
      port: self.port,
      cellGatewayUrl: localUrl(shippingCell.gateway.port),
      workloadSecret: devWorkloadSecret(shippingCell.name, self.name),
    }),
    /** The shipments core it commands (`componentUrlVar('shipments')`; the local runner and compose set it). */
    SHIPMENTS_URL: z.url().default(localUrl(core.port)),
  });
  return parseEnv(schema, source);
}

export type Env = ReturnType<typeof loadEnv>;
