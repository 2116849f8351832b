import { settingSchema } from '@retail/config';
import { z } from 'zod';
import { cellServiceEnv, parseEnv } from '@retail/kernel';
import { inventoryCell } from '@retail/inventory-contract';
import { component, devWorkloadSecret, localUrl } from '@retail/descriptor';

const self = component(inventoryCell, 'allocation');
const stock = component(inventoryCell, 'stock');

export function loadEnv(source = process.env) {
  const schema = z.object({
    ...cellServiceEnv({
      port: self.port,
      cellGatewayUrl: localUrl(inventoryCell.gateway.port),
      workloadSecret: devWorkloadSecret(inventoryCell.name, self.name),
    }),
    /** The cell's core, which executes the stock commands (`componentUrlVar('stock')`, set by the local runner and compose). */
    STOCK_URL: z.url().default(localUrl(stock.port)),
    /** The circuit breaker to the stock core (live: `npm run config -- set inventory/allocation BREAKER_FAILURES 5`). */
    BREAKER_FAILURES: settingSchema('BREAKER_FAILURES', 3),
    BREAKER_RESET_MS: settingSchema('BREAKER_RESET_MS', 5_000),
  });
  return parseEnv(schema, source);
}

export type Env = ReturnType<typeof loadEnv>;
