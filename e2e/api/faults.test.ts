import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@retail/testing';
import type { ApiResponse, Schemas } from '../src/client.ts';
import { startShopSystem } from '../src/retail.ts';

/** Processes and NATS failing in the middle of the saga: every order still settles, nothing lost or doubled. */
const { system, api, s } = await startShopSystem();
afterAll(() => system.stop());

/** Places `count` orders of one unit each, alternating customers, `gapMs` apart; resolves with their ids. */
async function burst(sku: string, count: number, gapMs: number, during: () => Promise<void>) {
  const placed: Promise<ApiResponse<Schemas['Order']>>[] = [];
  for (let i = 0; i < count; i++) {
    placed.push(s.placeOrder(s.alice, [{ sku, quantity: 1 }]));
    if (i === Math.floor(count / 3)) await during();
    await new Promise((r) => setTimeout(r, gapMs));
  }
  const results = await Promise.all(placed);
  expect(results.map((r) => r.status).filter((st) => st !== 201)).toEqual([]);
  return results.map((r) => r.body.id);
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
      expect((await api.post('/api/shipments/{id}/dispatch', { path: { id: shipment.id }, token: s.admin })).status).toBe(200);
      expect((await s.order(s.alice, placed.body.id)).status).toBe('CONFIRMED');
      const cancel = await api.post('/api/orders/{id}/cancel', { path: { id: placed.body.id }, token: s.alice });
      expect(cancel.status).toBe(409);
      expect(cancel.problem?.detail).toBe(`Order ${placed.body.id} cannot be cancelled: it has already been dispatched.`);
    } finally {
      await system.nats.start();
    }
    const shipped = await s.orderReaches(s.alice, placed.body.id, 'SHIPPED');
    expect(shipped.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED']);
    await waitFor(async () => (await s.stockOf(clock)).onHand === 3 || undefined, { what: 'stock committed on dispatch' });
    expect(await s.stockOf(clock)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
  });
});

describe('blast radius', () => {
  it('with the products cell down, orders are still placed at the last price the orders cell heard, and confirmed; catalog reads fail; a price change made once it is back reaches orders', async () => {
    const sku = await s.productWithStock('FAULT-DOWN', 5, 1200);
    // The orders cell has heard of the product (the helper waits for that): bob can order it.
    const earlier = await s.placeOrder(s.bob, [{ sku, quantity: 1 }], 'fault-down-retry-1');
    expect(earlier.status).toBe(201);
    const plans = system.plans.filter((p) => p.cell === 'products');
    await Promise.all(plans.map((p) => system.process(p.name).stop()));
    try {
      // The catalog cannot be read…
      const browse = await api.get('/api/products/{sku}', { path: { sku } });
      expect(browse.status).toBe(503);
      expect(browse.headers.get('content-type')).toContain('application/problem+json');
      // …but ordering goes on, at the price the orders cell last heard, and the saga runs to CONFIRMED.
      const placed = await s.placeOrder(s.bob, [{ sku, quantity: 2 }]);
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({ total: 2400, lines: [{ sku, unitPrice: 1200, lineTotal: 2400, productVersion: 1 }] });
      await s.orderReaches(s.bob, placed.body.id, 'CONFIRMED');
      // A retry of the earlier placement still gets the order placed the first time.
      const retried = await s.placeOrder(s.bob, [{ sku, quantity: 1 }], 'fault-down-retry-1');
      expect(retried.body).toEqual(earlier.body);
      expect((await api.get('/api/inventory/{sku}', { path: { sku } })).status).toBe(200);
    } finally {
      await Promise.all(plans.filter((p) => p.kind !== 'cell-gateway').map((p) => system.process(p.name).start()));
      await Promise.all(plans.filter((p) => p.kind === 'cell-gateway').map((p) => system.process(p.name).start()));
    }
    // Back up: a price change reaches the orders cell within the event delay, and the next order pays it.
    const changed = await waitFor(
      async () => {
        const res = await api.patch('/api/products/{sku}', {
          path: { sku },
          token: s.admin,
          body: { price: { amount: 1500, currency: 'USD' } },
          headers: { 'If-Match': '"v1"' },
        });
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'the catalog to take changes again' },
    );
    expect(changed.body.version).toBe(2);
    const repriced = await waitFor(
      async () => {
        const res = await s.placeOrder(s.bob, [{ sku, quantity: 1 }]);
        expect(res.status).toBe(201);
        return res.body.lines[0]!.productVersion === 2 ? res : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'the orders cell to price at the new version' },
    );
    expect(repriced.body).toMatchObject({ total: 1500, lines: [{ unitPrice: 1500, productVersion: 2 }] });
  });
});
