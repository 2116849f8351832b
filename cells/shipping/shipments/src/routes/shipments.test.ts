import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '@retail/data';
import { outboxSubjects } from '@retail/data/testing';
import { shipmentPageSchema, type Shipment } from '@retail/shipping-contract';
import { json, OPERATOR } from '@retail/testing';
import { shipmentCommand, shipmentsTestApp } from '../../test/test-app.ts';

let t: Awaited<ReturnType<typeof shipmentsTestApp>>;
let now: number;
let alice1: Shipment;
let alice2: Shipment;
let bob1: Shipment;

beforeEach(async () => {
  now = Date.parse('2026-03-01T10:00:00.000Z');
  t = await shipmentsTestApp({ clock: () => now });
  const make = (orderId: string, customerId: string) => {
    now += 1_000;
    return t.shipments.create(shipmentCommand(orderId, customerId), randomUUID()).shipment;
  };
  alice1 = make('order-a1', 'user-alice');
  alice2 = make('order-a2', 'user-alice');
  bob1 = make('order-b1', 'user-bob');
});
afterEach(() => t.close());

const subjects = () => outboxSubjects(t.db);
const lastEvent = () => JSON.parse(t.db.select().from(outbox).all().at(-1)!.payload);
const ids = (page: { items: Shipment[] }) => page.items.map((s) => s.id);

describe('GET /shipments', () => {
  it('shows a customer only the shipments of their own orders, newest first', async () => {
    const res = await t.call('GET', '/shipments', { token: t.alice });
    expect(res.status).toBe(200);
    const page = shipmentPageSchema.parse(await json(res));
    expect(page).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(ids(page)).toEqual([alice2.id, alice1.id]);
    expect(page.items[0]!.history).toEqual([{ status: 'PENDING', at: alice2.createdAt }]);
  });

  it('shows operators and order admins every shipment', async () => {
    for (const token of [t.operator, t.admin]) {
      const page = await json(await t.call('GET', '/shipments', { token }));
      expect(page.total).toBe(3);
      expect(ids(page)).toEqual([bob1.id, alice2.id, alice1.id]);
    }
  });

  it('finds the shipment of an order, but not another customer’s', async () => {
    expect(ids(await json(await t.call('GET', '/shipments?orderId=order-a2', { token: t.alice })))).toEqual([alice2.id]);
    expect(await json(await t.call('GET', '/shipments?orderId=order-b1', { token: t.alice }))).toMatchObject({ items: [], total: 0 });
    expect(ids(await json(await t.call('GET', '/shipments?orderId=order-b1', { token: t.operator })))).toEqual([bob1.id]);
  });

  it('filters by status and pages with a stable total', async () => {
    await t.call('POST', `/shipments/${alice1.id}/dispatch`, { token: t.operator });
    expect(ids(await json(await t.call('GET', '/shipments?status=DISPATCHED', { token: t.operator })))).toEqual([alice1.id]);
    expect((await json(await t.call('GET', '/shipments?status=PENDING', { token: t.alice }))).total).toBe(1);
    const first = await json(await t.call('GET', '/shipments?pageSize=2&page=1', { token: t.operator }));
    const second = await json(await t.call('GET', '/shipments?pageSize=2&page=2', { token: t.operator }));
    expect(first).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect([...ids(first), ...ids(second)]).toEqual([bob1.id, alice2.id, alice1.id]);
  });

  it.each([
    ['pageSize=1000', 'pageSize'],
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['status=LOST', 'status'],
    ['orderId=', 'orderId'],
    ['customerId=user-bob', '(root)'],
  ])('refuses ?%s with 400 naming the field', async (query, path) => {
    const res = await t.call('GET', `/shipments?${query}`, { token: t.alice });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('GET /shipments/:id', () => {
  it('shows a customer their own shipment with its history, and operators any', async () => {
    const own = await t.call('GET', `/shipments/${alice1.id}`, { token: t.alice });
    expect(own.status).toBe(200);
    expect(await json(own)).toEqual(alice1);
    expect((await t.call('GET', `/shipments/${alice1.id}`, { token: t.operator })).status).toBe(200);
    expect((await t.call('GET', `/shipments/${alice1.id}`, { token: t.admin })).status).toBe(200);
  });

  it('answers 404 for another customer’s shipment, as for an unknown one', async () => {
    const foreign = await t.call('GET', `/shipments/${bob1.id}`, { token: t.alice });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.call('GET', `/shipments/${randomUUID()}`, { token: t.operator })).status).toBe(404);
  });
});

describe('dispatch and delivery by an operator', () => {
  it('dispatches a PENDING shipment and announces it with its lines and tracking', async () => {
    now += 60_000;
    const res = await t.call('POST', `/shipments/${alice1.id}/dispatch`, { token: t.operator });
    expect(res.status).toBe(200);
    const shipment = await json(res);
    expect(shipment).toMatchObject({ status: 'DISPATCHED', updatedAt: new Date(now).toISOString() });
    expect(shipment.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'DISPATCHED']);
    expect(lastEvent()).toMatchObject({
      type: 'shipping.shipment.dispatched',
      subject: alice1.id,
      data: {
        shipmentId: alice1.id,
        orderId: 'order-a1',
        lines: alice1.lines,
        carrier: alice1.carrier,
        trackingNumber: alice1.trackingNumber,
      },
    });
  });

  it('delivers a dispatched shipment and announces it', async () => {
    await t.call('POST', `/shipments/${alice1.id}/dispatch`, { token: t.operator });
    const res = await t.call('POST', `/shipments/${alice1.id}/deliver`, { token: t.operator });
    expect(res.status).toBe(200);
    expect((await json(res)).history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'DISPATCHED', 'DELIVERED']);
    expect(lastEvent()).toMatchObject({
      type: 'shipping.shipment.delivered',
      subject: alice1.id,
      data: { shipmentId: alice1.id, orderId: 'order-a1' },
    });
    expect((await json(await t.call('GET', `/shipments/${alice1.id}`, { token: t.alice }))).status).toBe('DELIVERED');
  });

  it('refuses illegal transitions with 409 and writes nothing', async () => {
    const before = subjects().length;
    const deliverPending = await t.call('POST', `/shipments/${alice1.id}/deliver`, { token: t.operator });
    expect(deliverPending.status).toBe(409);
    expect(deliverPending.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(deliverPending)).toMatchObject({
      type: '/api/problems/shipment-state-conflict',
      shipmentStatus: 'PENDING',
      detail: expect.stringMatching(/PENDING; it cannot become DELIVERED/),
    });

    t.shipments.cancelByOrder('order-a2', randomUUID());
    expect((await t.call('POST', `/shipments/${alice2.id}/dispatch`, { token: t.operator })).status).toBe(409);
    expect((await t.call('POST', `/shipments/${alice2.id}/deliver`, { token: t.operator })).status).toBe(409);
    expect(subjects()).toHaveLength(before + 1); // only the cancellation

    await t.call('POST', `/shipments/${bob1.id}/dispatch`, { token: t.operator });
    expect((await t.call('POST', `/shipments/${bob1.id}/dispatch`, { token: t.operator })).status).toBe(409);
    await t.call('POST', `/shipments/${bob1.id}/deliver`, { token: t.operator });
    expect((await t.call('POST', `/shipments/${bob1.id}/deliver`, { token: t.operator })).status).toBe(409);
    expect((await t.call('POST', `/shipments/${bob1.id}/dispatch`, { token: t.operator })).status).toBe(409);
    expect(subjects().filter((s) => s === 'shipping.orders-1.shipment.dispatched')).toHaveLength(1);
    expect(subjects().filter((s) => s === 'shipping.orders-1.shipment.delivered')).toHaveLength(1);
    expect(t.shipments.get(bob1.id, OPERATOR).history.map((h) => h.status)).toEqual(['PENDING', 'DISPATCHED', 'DELIVERED']);
  });

  it('answers 404 for an unknown shipment', async () => {
    for (const action of ['dispatch', 'deliver']) {
      const res = await t.call('POST', `/shipments/${randomUUID()}/${action}`, { token: t.operator });
      expect(res.status, action).toBe(404);
    }
  });

  it('refuses customers and order admins without shipments:write with 403, and anonymous callers with 401', async () => {
    const before = subjects().length;
    expect((await t.call('POST', `/shipments/${alice1.id}/dispatch`, { token: t.alice })).status).toBe(403);
    expect((await t.call('POST', `/shipments/${alice1.id}/dispatch`, { token: t.admin })).status).toBe(403);
    expect((await t.call('POST', `/shipments/${alice1.id}/deliver`, { token: t.alice })).status).toBe(403);
    expect((await t.call('POST', `/shipments/${alice1.id}/dispatch`)).status).toBe(401);
    expect(subjects()).toHaveLength(before);
    expect(t.shipments.get(alice1.id, OPERATOR).status).toBe('PENDING');
  });
});

describe('POST /shipments/by-order/:orderId/cancel (the orders cell, before it cancels a confirmed order)', () => {
  const cancelFor = (orderId: string, token = t.ordersCell, customerId = 'user-alice') =>
    t.call('POST', `/shipments/by-order/${orderId}/cancel`, { token, body: { customerId } });

  it('cancels the order’s PENDING shipment and announces it; asking again answers the same', async () => {
    const res = await cancelFor('order-a1');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: alice1.id, status: 'CANCELLED' });
    expect(lastEvent()).toMatchObject({ type: 'shipping.shipment.cancelled', data: { shipmentId: alice1.id, orderId: 'order-a1' } });
    const again = await cancelFor('order-a1');
    expect(again.status).toBe(200);
    expect(subjects().filter((s) => s === 'shipping.orders-1.shipment.cancelled')).toHaveLength(1);
  });

  it('refuses with 409 once the shipment is dispatched, and it goes ahead', async () => {
    await t.call('POST', `/shipments/${alice1.id}/dispatch`, { token: t.operator });
    const res = await cancelFor('order-a1');
    expect(res.status).toBe(409);
    expect((await json(await t.call('GET', `/shipments/${alice1.id}`, { token: t.operator }))).status).toBe('DISPATCHED');
  });

  it('answers 404 for an order without a shipment yet, and the shipment it later gets is cancelled: nothing ships', async () => {
    expect((await cancelFor('order-late')).status).toBe(404);
    const late = t.shipments.create(shipmentCommand('order-late', 'user-alice'), randomUUID()).shipment;
    expect(late.status).toBe('CANCELLED');
    expect(lastEvent()).toMatchObject({ type: 'shipping.shipment.cancelled', data: { shipmentId: late.id, orderId: 'order-late' } });
    expect((await json(await cancelFor('order-late'))).status).toBe('CANCELLED');
  });

  it('cancels only the shipment of the customer the orders cell names: another customer’s order is not found, and stays', async () => {
    const before = subjects().length;
    const res = await cancelFor('order-a1', t.ordersCell, 'user-bob');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(t.shipments.get(alice1.id, OPERATOR).status).toBe('PENDING');
    expect(subjects()).toHaveLength(before);
    // Asked for the right customer afterwards, it is cancelled all the same.
    expect((await json(await cancelFor('order-a1'))).status).toBe('CANCELLED');
  });

  it('holds a cancellation that came before the shipment only for the customer it named', async () => {
    expect((await cancelFor('order-late-2', t.ordersCell, 'user-bob')).status).toBe(404);
    const late = t.shipments.create(shipmentCommand('order-late-2', 'user-alice'), randomUUID()).shipment;
    expect(late.status).toBe('PENDING');
  });

  it('refuses a cancel that names no customer with 400, changing nothing', async () => {
    const res = await t.call('POST', '/shipments/by-order/order-a1/cancel', { token: t.ordersCell, body: {} });
    expect(res.status).toBe(400);
    expect(t.shipments.get(alice1.id, OPERATOR).status).toBe('PENDING');
  });

  it('is the orders cell’s alone: customers and operators get 403', async () => {
    expect((await cancelFor('order-a1', t.alice)).status).toBe(403);
    expect((await cancelFor('order-a1', t.operator)).status).toBe(403);
    expect((await json(await t.call('GET', `/shipments/${alice1.id}`, { token: t.operator }))).status).toBe('PENDING');
  });
});

describe('the cell boundary and the HTTP frame', () => {
  it('refuses reads without the internal token, with a token for another cell, or without orders:read', async () => {
    expect((await t.call('GET', '/shipments')).status).toBe(401);
    expect((await t.call('GET', `/shipments/${alice1.id}`, { token: 'not-a-jwt' })).status).toBe(401);
    const otherCell = await t.tokens.sign({ sub: 'user-alice', scopes: ['orders:read'] }, { audience: 'cell:orders' });
    expect((await t.call('GET', '/shipments', { token: otherCell })).status).toBe(401);
    const expired = await t.tokens.sign({ sub: 'user-alice', scopes: ['orders:read'] }, { ttlSeconds: -10 });
    expect((await t.call('GET', '/shipments', { token: expired })).status).toBe(401);
    const noScope = await t.tokens.sign({ sub: 'user-alice', scopes: [] });
    expect((await t.call('GET', '/shipments', { token: noScope })).status).toBe(403);
  });

  it('answers unknown routes with 404 and wrong methods with 405 + Allow', async () => {
    expect((await t.call('GET', '/nothing-here')).status).toBe(401);
    expect((await t.call('GET', '/nothing-here', { token: t.operator })).status).toBe(404);
    const wrong = await t.call('PUT', `/shipments/${alice1.id}/dispatch`, { token: t.operator });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('POST');
  });

  it('serves health and readiness', async () => {
    expect((await t.call('GET', '/healthz')).status).toBe(200);
    expect((await t.call('GET', '/readyz')).status).toBe(200);
  });
});
