import { gatewayUrlVar } from '@retail/descriptor';
import type { HttpClient } from '@retail/http-client';
import type { Order, OrderTransitionCommand } from '@retail/orders-contract';

/**
 * Hand a saga step to the partition an order moved to: `POST /migration/orders/{id}/transitions` on that
 * partition's gateway, with the same Idempotency-Key (the event id), so the step is applied there once
 * (a step applied here before the move was imported with its key: a no-op there). Failures surface as
 * the http client's errors, like the orders core's: `HttpError` for a 4xx, `ServiceUnavailableError`
 * when the partition cannot answer.
 */
export type PartitionHandover = (
  partition: string,
  orderId: string,
  command: OrderTransitionCommand,
  idempotencyKey: string,
) => Promise<Order>;

/** `gateways`: one client per partition of the running system, by partition name. */
export function partitionHandover(gateways: ReadonlyMap<string, HttpClient>): PartitionHandover {
  return async (partition, orderId, command, idempotencyKey) => {
    const gateway = gateways.get(partition);
    // Not a refusal of the event: a partition added since this process started (retried until a restart knows it).
    if (!gateway) throw new Error(`order ${orderId} moved to ${partition}, whose gateway is not configured (${gatewayUrlVar(partition)})`);
    const path = `/migration/orders/${encodeURIComponent(orderId)}/transitions`;
    return (await gateway.request<Order>('POST', path, { body: command, headers: { 'idempotency-key': idempotencyKey } })).body;
  };
}
