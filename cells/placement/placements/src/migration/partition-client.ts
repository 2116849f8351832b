import { createHttpClient, type HttpClient, type Pool, type TokenSource } from '@retail/http-client';
import type { CustomerBundle, CustomerHolding, HeldCustomers } from '@retail/orders-contract';

/**
 * The migration controller's calls to the partitions of a partitioned cell, each through that
 * partition's gateway (routes `callers: 'cell'`, scope `orders:migrate`). Every call is idempotent on the
 * partition's side, so a controller that crashed repeats the step it was at.
 */
export interface PartitionClient {
  /** Pause the customer's writes in `partition` (source of the move). */
  freeze(partition: string, customerId: string, migrationId: string, to: string): Promise<CustomerHolding>;
  /** The frozen customer's orders, history and keys. */
  exportCustomer(partition: string, customerId: string, migrationId: string): Promise<CustomerBundle>;
  /** Store them in `partition` (target of the move). */
  importCustomer(partition: string, migrationId: string, bundle: CustomerBundle): Promise<CustomerHolding>;
  /** Forget the customer in the source, keeping where each order went. */
  release(partition: string, customerId: string, migrationId: string, to: string): Promise<CustomerHolding>;
  /** Rollback: resume the customer's writes in the source. */
  unfreeze(partition: string, customerId: string, migrationId: string): Promise<CustomerHolding>;
  /** Rollback: drop what the move imported into the target. */
  discard(partition: string, customerId: string, migrationId: string): Promise<CustomerHolding>;
  /** Every customer the partition holds orders for. */
  held(partition: string): Promise<HeldCustomers['customers']>;
  /** Whether the partition's gateway answers (`/readyz`) within a second. */
  answers(partition: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface PartitionClientOptions {
  /** Partition → its gateway's instances (registry pool, with the configured URL as fallback). */
  pools: ReadonlyMap<string, Pool>;
  /** The placement cell's client-credentials token (scope `orders:migrate`). */
  token: TokenSource;
  timeoutMs?: number;
}

const customerPath = (customerId: string, rest = '') => `/migration/customers/${encodeURIComponent(customerId)}${rest}`;

export function createPartitionClient(options: PartitionClientOptions): PartitionClient {
  const clients = new Map<string, HttpClient>(
    [...options.pools].map(([partition, pool]) => [
      partition,
      createHttpClient({ pool, name: `partition ${partition}`, timeoutMs: options.timeoutMs ?? 5_000, token: options.token }),
    ]),
  );
  const probes = new Map<string, HttpClient>(
    [...options.pools].map(([partition, pool]) => [
      partition,
      createHttpClient({ pool, name: `partition ${partition}`, timeoutMs: 1_000 }),
    ]),
  );
  const of = (partition: string) => {
    const client = clients.get(partition);
    if (!client) throw new Error(`no gateway known for partition ${partition}`);
    return client;
  };
  const send = async <T>(partition: string, method: string, path: string, body?: unknown): Promise<T> =>
    (await of(partition).request<T>(method, path, body === undefined ? {} : { body })).body;

  return {
    freeze: (partition, customerId, migrationId, to) => send(partition, 'POST', customerPath(customerId, '/freeze'), { migrationId, to }),
    exportCustomer: (partition, customerId, migrationId) =>
      send(partition, 'GET', customerPath(customerId, `?migrationId=${encodeURIComponent(migrationId)}`)),
    importCustomer: (partition, migrationId, bundle) => send(partition, 'PUT', customerPath(bundle.customerId), { migrationId, bundle }),
    release: (partition, customerId, migrationId, to) => send(partition, 'POST', customerPath(customerId, '/release'), { migrationId, to }),
    unfreeze: (partition, customerId, migrationId) => send(partition, 'POST', customerPath(customerId, '/unfreeze'), { migrationId }),
    discard: (partition, customerId, migrationId) => send(partition, 'POST', customerPath(customerId, '/discard'), { migrationId }),
    held: async (partition) => (await send<HeldCustomers>(partition, 'GET', '/migration/customers')).customers,
    async answers(partition) {
      try {
        await probes.get(partition)?.request('GET', '/readyz');
        return probes.has(partition);
      } catch {
        return false;
      }
    },
    async close() {
      await Promise.all([...clients.values(), ...probes.values()].map((c) => c.close()));
    },
  };
}
