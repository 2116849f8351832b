import { HttpError } from '@retail/http-client';
import { ServiceUnavailableError } from '@retail/kernel';
import type { CustomerBundle, CustomerHolding, MovingOrder } from '@retail/orders-contract';
import type { PartitionClient } from '../src/migration/partition-client.ts';

interface Held {
  state: CustomerHolding['state'];
  migrationId: string | null;
  partition: string | null;
  orders: MovingOrder[];
}

/**
 * The partitions of the orders cell as the migration controller sees them, in memory, with the rules of
 * the real migration routes (cells/orders/orders/src/routes/migration.ts): freeze only a serving customer,
 * export only a frozen one, imports and releases idempotent. The system test (e2e/api/migration.test.ts)
 * drives the real ones; this one lets a test take a partition down at an exact step.
 */
export function partitionsStandIn(names: readonly string[]) {
  const partitions = new Map(names.map((n) => [n, { down: false, customers: new Map<string, Held>() }]));
  const calls: string[] = [];
  const of = (name: string) => {
    const p = partitions.get(name)!;
    if (p.down) throw new ServiceUnavailableError(`partition ${name} is unavailable; try again shortly.`);
    return p;
  };
  const conflict = (detail: string) => new HttpError(409, { detail }, 'partition');
  const holding = (customerId: string, held: Held | undefined): CustomerHolding => ({
    customerId,
    state: held?.state ?? 'serving',
    orders: held?.orders.length ?? 0,
    history: held?.orders.reduce((n, o) => n + o.history.length, 0) ?? 0,
    migrationId: held?.migrationId ?? null,
    partition: held?.partition ?? null,
  });

  const client: PartitionClient = {
    async freeze(partition, customerId, migrationId, to) {
      calls.push(`freeze ${partition} ${customerId}`);
      const p = of(partition);
      const held = p.customers.get(customerId) ?? { state: 'serving', migrationId: null, partition: null, orders: [] };
      if (held.state === 'gone' || (held.state === 'leaving' && held.migrationId !== migrationId)) throw conflict('not here');
      p.customers.set(customerId, { ...held, state: 'leaving', migrationId, partition: to });
      return holding(customerId, p.customers.get(customerId));
    },
    async exportCustomer(partition, customerId, migrationId) {
      calls.push(`export ${partition} ${customerId}`);
      const held = of(partition).customers.get(customerId);
      if (held?.state !== 'leaving' || held.migrationId !== migrationId) throw conflict('not frozen for this move');
      return { customerId, from: partition, orders: structuredClone(held.orders) } satisfies CustomerBundle;
    },
    async importCustomer(partition, migrationId, bundle) {
      calls.push(`import ${partition} ${bundle.customerId}`);
      const p = of(partition);
      const held = p.customers.get(bundle.customerId);
      const orders = [...(held?.state === 'gone' ? [] : (held?.orders ?? []))];
      for (const order of bundle.orders) if (!orders.some((o) => o.id === order.id)) orders.push(order);
      p.customers.set(bundle.customerId, { state: 'arriving', migrationId, partition: bundle.from, orders });
      return holding(bundle.customerId, p.customers.get(bundle.customerId));
    },
    async release(partition, customerId, migrationId, to) {
      calls.push(`release ${partition} ${customerId}`);
      const p = of(partition);
      const held = p.customers.get(customerId);
      if (held?.migrationId !== migrationId || (held.state !== 'leaving' && held.state !== 'gone'))
        throw conflict('not frozen for this move');
      p.customers.set(customerId, { state: 'gone', migrationId, partition: to, orders: [] });
      return holding(customerId, p.customers.get(customerId));
    },
    async unfreeze(partition, customerId, migrationId) {
      calls.push(`unfreeze ${partition} ${customerId}`);
      const p = of(partition);
      const held = p.customers.get(customerId);
      if (held?.state === 'leaving' && held.migrationId === migrationId)
        p.customers.set(customerId, { ...held, state: 'serving', migrationId: null, partition: null });
      return holding(customerId, p.customers.get(customerId));
    },
    async discard(partition, customerId, migrationId) {
      calls.push(`discard ${partition} ${customerId}`);
      const p = of(partition);
      const held = p.customers.get(customerId);
      if (held?.state === 'arriving' && held.migrationId === migrationId) p.customers.delete(customerId);
      return holding(customerId, p.customers.get(customerId));
    },
    async held(partition) {
      return [...of(partition).customers]
        .filter(([, h]) => h.orders.length > 0 && h.state !== 'gone')
        .map(([customerId, h]) => ({ customerId, orders: h.orders.length }));
    },
    async answers(partition) {
      return partitions.has(partition) && !partitions.get(partition)!.down;
    },
    async close() {},
  };

  return {
    client,
    calls,
    /** Take a partition down (every call fails as if it did not answer) or bring it back. */
    setDown(partition: string, down: boolean) {
      partitions.get(partition)!.down = down;
    },
    /** Gives `customerId` `count` orders in `partition`. */
    seed(partition: string, customerId: string, count: number) {
      const at = new Date().toISOString();
      const orders: MovingOrder[] = Array.from({ length: count }, () => ({
        id: crypto.randomUUID(),
        customerId,
        status: 'CONFIRMED',
        lines: [{ sku: 'KIT-PAN', name: 'Pan', quantity: 1, unitPrice: 100, lineTotal: 100, productVersion: 1 }],
        total: 100,
        currency: 'USD',
        shippingAddress: { name: 'A', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
        idempotencyKey: crypto.randomUUID(),
        requestHash: '0'.repeat(64),
        createdAt: at,
        updatedAt: at,
        history: [
          { status: 'PENDING', at, reason: null, key: null },
          { status: 'CONFIRMED', at, reason: 'stock reserved', key: crypto.randomUUID() },
        ],
      }));
      partitions.get(partition)!.customers.set(customerId, { state: 'serving', migrationId: null, partition: null, orders });
    },
    /** What `partition` holds for `customerId`. */
    holding: (partition: string, customerId: string) => holding(customerId, partitions.get(partition)!.customers.get(customerId)),
  };
}

export type PartitionsStandIn = ReturnType<typeof partitionsStandIn>;
