import { afterAll, describe, expect, it } from 'vitest';
import { connectBus } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { waitFor } from '@retail/testing';
import { address, startShopSystem, uniqueKey } from '../src/retail.ts';

/** The order saga across the four cells, as real processes on a real nats-server, through gateway-global only. */
const { system, api, s } = await startShopSystem();
afterAll(() => system.stop());

const statuses = (order: { history: { status: string }[] }) => order.history.map((h) => h.status);

describe('the order saga', () => {
  it('happy path: placed → confirmed → shipment created → dispatched (stock committed) → delivered', async () => {
    const knife = await s.productWithStock('SAGA-HAPPY', 10, 2500);
    const placed = await s.placeOrder(s.alice, [{ sku: knife, quantity: 2 }]);
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      status: 'PENDING',
      total: 5000,
      currency: 'USD',
      lines: [{ sku: knife, quantity: 2, unitPrice: 2500, lineTotal: 5000 }],
    });
    const id = placed.body.id;

    await s.orderReaches(s.alice, id, 'CONFIRMED');
    expect(await s.stockOf(knife)).toMatchObject({ onHand: 10, reserved: 2, available: 8 });
    const shipment = await waitFor(() => s.shipmentOf(id), { what: 'the shipment' });
    expect(shipment).toMatchObject({ orderId: id, status: 'PENDING', address });
    expect(shipment.trackingNumber).toBeTruthy();

    expect((await api.post('/api/shipments/{id}/dispatch', { path: { id: shipment.id }, token: s.admin })).status).toBe(200);
    await s.orderReaches(s.alice, id, 'SHIPPED');
    await waitFor(async () => (await s.stockOf(knife)).onHand === 8 || undefined, { what: 'stock committed on dispatch' });
    expect(await s.stockOf(knife)).toMatchObject({ onHand: 8, reserved: 0, available: 8 });

    expect((await api.post('/api/shipments/{id}/deliver', { path: { id: shipment.id }, token: s.admin })).status).toBe(200);
    const delivered = await s.orderReaches(s.alice, id, 'DELIVERED');
    expect(statuses(delivered)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED']);
    expect(delivered.history.every((h) => !Number.isNaN(Date.parse(h.at)))).toBe(true);

    // The products cell's public view follows the stock through inventory.stock.changed.
    await waitFor(
      async () => (await api.get('/api/products/{sku}', { path: { sku: knife } })).body.availability.available === 8 || undefined,
      {
        what: 'availability in browse',
      },
    );
  });

  it('rejects an order that asks for more than the stock, reserving nothing', async () => {
    const tent = await s.productWithStock('SAGA-SHORT', 3);
    const other = await s.productWithStock('SAGA-PLENTY', 50);
    const placed = await s.placeOrder(s.alice, [
      { sku: other, quantity: 1 },
      { sku: tent, quantity: 5 },
    ]);
    expect(placed.status).toBe(201);
    const rejected = await s.orderReaches(s.alice, placed.body.id, 'REJECTED');
    expect(rejected.history.at(-1)?.reason).toContain(tent);
    expect(await s.stockOf(tent)).toMatchObject({ onHand: 3, reserved: 0 });
    expect(await s.stockOf(other)).toMatchObject({ onHand: 50, reserved: 0 });
    expect(await s.shipmentOf(placed.body.id)).toBeUndefined();
  });

  it('cancels before dispatch: reservation released, shipment cancelled; after dispatch cancel is refused', async () => {
    const lamp = await s.productWithStock('SAGA-CANCEL', 5);
    const first = await s.placeOrder(s.alice, [{ sku: lamp, quantity: 2 }]);
    await s.orderReaches(s.alice, first.body.id, 'CONFIRMED');
    const pending = await waitFor(() => s.shipmentOf(first.body.id), { what: 'shipment' });
    const cancel = await api.post('/api/orders/{id}/cancel', { path: { id: first.body.id }, token: s.alice });
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('CANCELLED');
    await waitFor(async () => (await s.stockOf(lamp)).reserved === 0 || undefined, { what: 'reservation released' });
    expect(await s.stockOf(lamp)).toMatchObject({ onHand: 5, reserved: 0 });
    await waitFor(async () => (await s.shipmentOf(first.body.id))?.status === 'CANCELLED' || undefined, { what: 'shipment cancelled' });
    expect((await api.post('/api/shipments/{id}/dispatch', { path: { id: pending.id }, token: s.admin })).status).toBe(409);

    const second = await s.placeOrder(s.alice, [{ sku: lamp, quantity: 1 }]);
    await s.orderReaches(s.alice, second.body.id, 'CONFIRMED');
    const shipment = await waitFor(() => s.shipmentOf(second.body.id), { what: 'shipment' });
    await api.post('/api/shipments/{id}/dispatch', { path: { id: shipment.id }, token: s.admin });
    await s.orderReaches(s.alice, second.body.id, 'SHIPPED');
    const late = await api.post('/api/orders/{id}/cancel', { path: { id: second.body.id }, token: s.alice });
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toContain('application/problem+json');
  });

  it('never oversells: 200 concurrent orders for 50 units → exactly 50 confirmed, 150 rejected', async () => {
    const scarce = await s.productWithStock('SAGA-RUSH', 50);
    const placed = await Promise.all(
      Array.from({ length: 200 }, (_, i) => s.placeOrder(i % 2 ? s.alice : s.bob, [{ sku: scarce, quantity: 1 }])),
    );
    expect(placed.filter((p) => p.status !== 201).map((p) => `${p.status} ${p.problem?.detail}`)).toEqual([]);
    const final = await waitFor(
      async () => {
        const orders = await Promise.all(placed.map((p, i) => s.order(i % 2 ? s.alice : s.bob, p.body.id)));
        return orders.every((o) => o.status !== 'PENDING') ? orders : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'all 200 orders to settle' },
    );
    expect(final.filter((o) => o.status === 'CONFIRMED')).toHaveLength(50);
    expect(final.filter((o) => o.status === 'REJECTED')).toHaveLength(150);
    expect(await s.stockOf(scarce)).toEqual({ sku: scarce, onHand: 50, reserved: 50, available: 0 });
  });
});

describe('idempotency', () => {
  it('the same Idempotency-Key twice gives one order and the same response', async () => {
    const sku = await s.productWithStock('SAGA-IDEM', 10);
    const key = uniqueKey('idem');
    const first = await s.placeOrder(s.bob, [{ sku, quantity: 1 }], key);
    const again = await s.placeOrder(s.bob, [{ sku, quantity: 1 }], key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    const mine = await api.get('/api/orders', { query: { pageSize: 100 }, token: s.bob });
    expect(mine.body.items.filter((o) => o.id === first.body.id)).toHaveLength(1);
    const different = await s.placeOrder(s.bob, [{ sku, quantity: 2 }], key);
    expect(different.status).toBe(422);
  });

  it('the same event delivered twice has one effect', async () => {
    const sku = await s.productWithStock('SAGA-TWICE', 10);
    const placed = await s.placeOrder(s.alice, [{ sku, quantity: 3 }]);
    await s.orderReaches(s.alice, placed.body.id, 'CONFIRMED');
    await waitFor(async () => (await s.stockOf(sku)).reserved === 3 || undefined, { what: 'reservation' });

    const bus = await connectBus({
      url: system.nats.url,
      name: 'test-replayer',
      ...system.natsCredentials('system'),
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    try {
      // Replay the placement and the confirmation as brand-new messages carrying the same CloudEvents, on
      // the subjects of alice's partition: its own stream, and the answers addressed to it.
      const partition = placed.headers.get('x-cell-partition')!;
      for (const [stream, subject] of [
        [partition.replace('-', '_').toUpperCase(), `orders.${partition}.order.placed`],
        ['INVENTORY', `inventory.${partition}.reservation.confirmed`],
      ] as const) {
        const events = await findEvents(bus, stream, subject, (e) => e.data.orderId === placed.body.id);
        expect(events).toHaveLength(1);
        // Another message id, so that JetStream stores it again: the run's event check is told it is on purpose.
        const replayed = `${events[0].id}-replayed`;
        system.tolerateEvents((v) => v.id === events[0].id && v.problems.every((p) => p.includes(replayed)));
        await bus.js.publish(subject, JSON.stringify(events[0]), { msgID: replayed });
      }
      // A later order on the same SKU proves both consumers got past the replays.
      const later = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
      await s.orderReaches(s.alice, later.body.id, 'CONFIRMED');
    } finally {
      await bus.close();
    }
    expect(await s.stockOf(sku)).toMatchObject({ onHand: 10, reserved: 4 });
    expect(statuses(await s.order(s.alice, placed.body.id))).toEqual(['PENDING', 'CONFIRMED']);
  });
});

describe('who sees what', () => {
  it('a customer sees only their own orders and shipments', async () => {
    const sku = await s.productWithStock('SAGA-PRIVATE', 5);
    const alices = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
    await s.orderReaches(s.alice, alices.body.id, 'CONFIRMED');
    const id = alices.body.id;
    expect((await api.get('/api/orders/{id}', { path: { id }, token: s.bob })).status).toBe(404);
    expect((await api.post('/api/orders/{id}/cancel', { path: { id }, token: s.bob })).status).toBe(404);
    const bobs = await api.get('/api/orders', { query: { pageSize: 100 }, token: s.bob });
    expect(bobs.body.items.every((o) => o.customerId === bobs.body.items[0]?.customerId)).toBe(true);
    expect(bobs.body.items.map((o) => o.id)).not.toContain(id);
    await waitFor(() => s.shipmentOf(id), { what: 'shipment' });
    expect((await api.get('/api/shipments', { query: { orderId: id }, token: s.bob })).body.items).toEqual([]);
    expect((await api.get('/api/shipments', { query: { orderId: id }, token: s.alice })).body.items).toHaveLength(1);
  });
});

describe('bad input on every new endpoint', () => {
  const problem = (res: { status: number; headers: Headers }) => {
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return res.status;
  };

  it('orders', async () => {
    const sku = await s.productWithStock('SAGA-BAD', 5);
    const post = (body: unknown, key: string | null = uniqueKey()) =>
      api.call('POST', '/api/orders', { token: s.alice, body, headers: key ? { 'idempotency-key': key } : {} });
    expect(problem(await post({ lines: [{ sku, quantity: 1 }], shippingAddress: address }, null))).toBe(400);
    expect(problem(await post({ lines: [{ sku, quantity: 1 }], shippingAddress: address }, 'short'))).toBe(400);
    expect(problem(await post({ lines: [], shippingAddress: address }))).toBe(400);
    expect(problem(await post({ lines: [{ sku, quantity: 0 }], shippingAddress: address }))).toBe(400);
    expect(problem(await post({ lines: [{ sku, quantity: 1.5 }], shippingAddress: address }))).toBe(400);
    expect(problem(await post({ lines: [{ sku, quantity: 1 }], shippingAddress: { ...address, country: 'USA' } }))).toBe(400);
    const unknown = await post({ lines: [{ sku: 'NOPE-NOT-HERE', quantity: 1 }], shippingAddress: address });
    expect(problem(unknown)).toBe(400);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toContain('lines.0.sku');
    expect(problem(await api.call('POST', '/api/orders', { body: { lines: [{ sku, quantity: 1 }], shippingAddress: address } }))).toBe(401);
    expect(problem(await api.call('GET', '/api/orders/does-not-exist', { token: s.alice }))).toBe(404);
    expect(problem(await api.call('GET', '/api/orders?pageSize=1000', { token: s.alice }))).toBe(400);
    expect((await api.call('GET', '/api/orders', { token: s.alice })).status).toBe(200);
    expect(await s.stockOf(sku)).toMatchObject({ reserved: 0 });
  });

  it('inventory', async () => {
    const sku = await s.productWithStock('SAGA-ADJ', 5);
    const adjust = (body: unknown, token = s.admin, target = sku) =>
      api.call('POST', `/api/inventory/${target}/adjustments`, { token, body });
    expect(problem(await adjust({ delta: 0, reason: 'nothing' }))).toBe(400);
    expect(problem(await adjust({ delta: 1.5, reason: 'half' }))).toBe(400);
    expect(problem(await adjust({ delta: 1 }))).toBe(400);
    expect(problem(await adjust({ delta: -6, reason: 'too many' }))).toBe(409);
    expect(problem(await adjust({ delta: 1, reason: 'x' }, s.alice))).toBe(403);
    expect(problem(await adjust({ delta: 1, reason: 'x' }, s.admin, 'NOPE-NOT-HERE'))).toBe(404);
    expect(problem(await api.call('GET', '/api/inventory/NOPE-NOT-HERE'))).toBe(404);
    expect(await s.stockOf(sku)).toMatchObject({ onHand: 5, reserved: 0 });
  });

  it('shipments', async () => {
    expect(problem(await api.call('POST', '/api/shipments/does-not-exist/dispatch', { token: s.admin }))).toBe(404);
    expect(problem(await api.call('POST', '/api/shipments/does-not-exist/dispatch', { token: s.alice }))).toBe(403);
    expect(problem(await api.call('GET', '/api/shipments?status=LOST', { token: s.admin }))).toBe(400);
    expect(problem(await api.call('GET', '/api/shipments'))).toBe(401);
  });
});

async function findEvents(bus: Awaited<ReturnType<typeof connectBus>>, stream: string, subject: string, match: (e: any) => boolean) {
  const info = await bus.jsm.streams.info(stream);
  const found: any[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const msg = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
    if (!msg || msg.subject !== subject) continue;
    const event = msg.json<any>();
    if (match(event)) found.push(event);
  }
  return found;
}
