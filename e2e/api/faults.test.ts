import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@retail/testing';
import { startShopSystem } from '../src/retail.ts';

/** Processes and NATS failing in the middle of the saga: every order still settles, nothing lost or doubled. */
const { system, api, s } = await startShopSystem();
afterAll(() => system.stop());

/** Places `count` orders of one unit each, alternating customers, `gapMs` apart; resolves with their ids. */
async function burst(sku: string, count: number, gapMs: number, during: () => Promise<void>) {
  const placed: Promise<{ status: number; body: any }>[] = [];
  for (let i = 0; i < count; i++) {
    placed.push(s.placeOrder(s.alice, [{ sku, quantity: 1 }]));
    if (i === Math.floor(count / 3)) await during();
    await new Promise((r) => setTimeout(r, gapMs));
  }
  const results = await Promise.all(placed);
  expect(results.map((r) => r.status).filter((st) => st !== 201)).toEqual([]);
  return results.map((r) => r.body.id as string);
}

async function settled(ids: string[]) {
  return waitFor(
    async () => {
      const orders = await Promise.all(ids.map((id) => s.order(s.alice, id)));
      return orders.every((o) => o.status === 'CONFIRMED' || o.status === 'REJECTED') ? orders : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'every order of the burst to settle' },
  );
}

describe('faults in the middle of a burst', () => {
  it('kill -9 of inventory allocation: after it restarts every order settles, no reservation lost or doubled', async () => {
    const sku = await s.productWithStock('FAULT-KILL', 25);
    const allocation = system.process('inventory/allocation');
    const ids = await burst(sku, 40, 20, async () => {
      await allocation.kill();
      setTimeout(() => void allocation.start(), 1_000);
    });
    const orders = await settled(ids);
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED').length;
    expect(confirmed).toBe(25);
    expect(await s.stockOf(sku)).toMatchObject({ onHand: 25, reserved: 25, available: 0 });
  });

  it('nats-server restarted mid-burst (JetStream on disk): every order settles, stock exact', async () => {
    const sku = await s.productWithStock('FAULT-NATS', 30);
    const ids = await burst(sku, 40, 20, async () => {
      await system.nats.stop();
      setTimeout(() => void system.nats.start(), 1_000);
    });
    const orders = await settled(ids);
    expect(orders.filter((o) => o.status === 'CONFIRMED')).toHaveLength(30);
    expect(orders.filter((o) => o.status === 'REJECTED')).toHaveLength(10);
    expect(await s.stockOf(sku)).toMatchObject({ onHand: 30, reserved: 30, available: 0 });
  });
});

describe('a cancel racing the dispatch', () => {
  it('refuses to cancel an order whose shipment has left, even before the orders cell has heard of it: it ships, the stock is committed', async () => {
    const clock = await s.productWithStock('FAULT-RACE', 4);
    const placed = await s.placeOrder(s.alice, [{ sku: clock, quantity: 1 }]);
    await s.orderReaches(s.alice, placed.body.id, 'CONFIRMED');
    const shipment = await waitFor(() => s.shipmentOf(placed.body.id), { what: 'shipment' });
    // With NATS down the dispatch is stored but not yet announced: the orders cell still sees CONFIRMED.
    await system.nats.stop();
    try {
      expect((await api.call('POST', `/api/shipments/${shipment.id}/dispatch`, { token: s.admin })).status).toBe(200);
      expect((await s.order(s.alice, placed.body.id)).status).toBe('CONFIRMED');
      const cancel = await api.call('POST', `/api/orders/${placed.body.id}/cancel`, { token: s.alice });
      expect(cancel.status).toBe(409);
      expect(cancel.body.detail).toBe(`Order ${placed.body.id} cannot be cancelled: it has already been dispatched.`);
    } finally {
      await system.nats.start();
    }
    const shipped = await s.orderReaches(s.alice, placed.body.id, 'SHIPPED');
    expect(shipped.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED']);
    await waitFor(async () => (await s.stockOf(clock)).onHand === 3 || undefined, { what: 'stock committed on dispatch' });
    expect(await s.stockOf(clock)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
  });
});

describe('blast radius', () => {
  it('with the products cell down, placing an order fails fast with 503 and writes nothing, a retry of an earlier one gets it back; other cells keep serving', async () => {
    const sku = await s.productWithStock('FAULT-DOWN', 5);
    // An order bob placed before the cell went down, which his client will retry.
    const earlier = await s.placeOrder(s.bob, [{ sku, quantity: 1 }], 'fault-down-retry-1');
    expect(earlier.status).toBe(201);
    const before = (await api.call('GET', '/api/orders?pageSize=1', { token: s.bob })).body.total;
    const gateway = system.process('products/gateway');
    await gateway.stop();
    try {
      // The retry needs no price: it gets the order placed the first time.
      const retried = await s.placeOrder(s.bob, [{ sku, quantity: 1 }], 'fault-down-retry-1');
      expect(retried.status).toBe(201);
      expect(retried.body).toEqual(earlier.body);
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const res = await s.placeOrder(s.bob, [{ sku, quantity: 1 }]);
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(Date.now() - started).toBeLessThan(3_000);
      }
      expect((await api.call('GET', '/api/orders?pageSize=1', { token: s.bob })).body.total).toBe(before);
      expect((await api.call('GET', `/api/inventory/${sku}`)).status).toBe(200);
      expect((await api.call('GET', '/api/shipments', { token: s.admin })).status).toBe(200);
    } finally {
      await gateway.start();
    }
    // Once the cell is back (and the breaker's reset time has passed) ordering works again.
    const placed = await waitFor(
      async () => {
        const res = await s.placeOrder(s.bob, [{ sku, quantity: 1 }]);
        return res.status === 201 ? res : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'ordering to work again' },
    );
    await s.orderReaches(s.bob, placed.body.id, 'CONFIRMED');
  });
});
