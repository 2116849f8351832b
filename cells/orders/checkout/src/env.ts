import { z } from 'zod';
import { cellServiceEnv, ConfigError, parseEnv, secret } from '@retail/kernel';
import { ordersCell } from '@retail/orders-contract';
import { shippingCell } from '@retail/shipping-contract';
import {
  component,
  devClientSecret,
  devWorkloadSecret,
  gatewayUrlVar,
  instanceName,
  localUrl,
  runningCell,
  type CellDescriptor,
} from '@retail/descriptor';
import { systemCells } from '@retail/topology';

const self = component(ordersCell, 'checkout');

/** The orders cell's partitions in the running system (`ORDERS_PARTITIONS` of them), its own among them. */
function partitionsOf(source: Record<string, string | undefined>): CellDescriptor[] {
  try {
    return systemCells(source).filter((cell) => cell.name === ordersCell.name);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${(error as Error).message}`);
  }
}

/**
 * One gateway URL per partition, `ORDERS_1_GATEWAY_URL`, `ORDERS_2_GATEWAY_URL`, … (`gatewayUrlVar`):
 * where a saga step goes for an order that moved to that partition. Defaults from the descriptor's ports.
 */
const partitionGatewaySettings = (partitions: readonly CellDescriptor[]) =>
  Object.fromEntries(partitions.map((p) => [gatewayUrlVar(instanceName(p)), z.url().default(localUrl(p.gateway.port))]));

export function loadEnv(source = process.env) {
  const partitions = partitionsOf(source);
  const schema = z.object({
    ...cellServiceEnv({
      port: self.port,
      cellGatewayUrl: localUrl(ordersCell.gateway.port),
      workloadSecret: devWorkloadSecret(ordersCell.name, self.name),
    }),
    /** The orders core service, commanded inside the cell (`componentUrlVar('orders')`). */
    ORDERS_URL: z.url().default(localUrl(component(ordersCell, 'orders').port)),
    /**
     * How long a call to the core may take. Under the gateways' 10 s, so that a client hears checkout's
     * 503 (retry with the same Idempotency-Key) rather than a gateway's 504; well above a saturated core's queue.
     */
    ORDERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(9_000).default(8_000),
    /** A confirmed order's shipment is cancelled through the shipping cell's gateway (`gatewayUrlVar('shipping')`). */
    SHIPPING_GATEWAY_URL: z.url().default(localUrl(shippingCell.gateway.port)),
    /** gateway-global's token service, for this cell's client-credentials token. */
    TOKEN_URL: z.url().default(`${localUrl(8080)}/auth/token`),
    /** Its partition's client secret at the token service (CLIENT_SECRET_ORDERS_2 there: each partition is a client). */
    CLIENT_SECRET: secret((env) => devClientSecret(instanceName(runningCell(ordersCell, env)))),
  });
  const parsed: unknown = parseEnv(schema.extend(partitionGatewaySettings(partitions)), source);
  const perPartition = parsed as Record<string, string>;
  return {
    ...(parsed as z.infer<typeof schema>),
    /** Partition (`orders-2`) → its gateway's URL, from the settings above. */
    partitionGateways: Object.fromEntries(partitions.map((p) => [instanceName(p), perPartition[gatewayUrlVar(instanceName(p))]!])),
  };
}

export type Env = ReturnType<typeof loadEnv>;
