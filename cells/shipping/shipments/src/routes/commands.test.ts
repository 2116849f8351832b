import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inbox, outbox } from '@retail/data';
import { shipmentSchema } from '@retail/shipping-contract';
import { json, OPERATOR } from '@retail/testing';
import { shipments } from '../db/schema.ts';
import { shipmentCommand, shipmentsTestApp } from '../../test/test-app.ts';

let t: Awaited<ReturnType<typeof shipmentsTestApp>>;
beforeEach(async () => {
  t = await shipmentsTestApp();
});
afterEach(() => t.close());

const events = () =>
  t.db
    .select()
    .from(outbox)
    .all()
    .map((r) => ({ subject: r.subject, event: JSON.parse(r.payload) }));
const inboxRows = () => t.db.select().from(inbox).all();
const shipmentCount = () => t.db.select().from(shipments).all().length;

const create = (body: unknown, key: string | null = randomUUID(), token = t.fulfillment) =>
  t.call('POST', '/internal/shipments', { token, body, headers: key === null ? {} : { 'idempotency-key': key } });
const cancel = (orderId: string, key: string | null = randomUUID(), token = t.fulfillment) =>
  t.call('POST', `/internal/shipments/by-order/${encodeURIComponent(orderId)}/cancel`, {
    token,
    headers: key === null ? {} : { 'idempotency-key': key },
  });

describe('POST /internal/shipments', () => {
  it('creates a PENDING shipment with a carrier and tracking number, and announces shipping.shipment.created', async () => {
    const key = randomUUID();
    const res = await create(shipmentCommand('order-1'), key);
    expect(res.status).toBe(201);
    const shipment = await json(res);
    expect(shipmentSchema.parse(shipment)).toEqual(shipment);
    expect(res.headers.get('location')).toBe(`/shipments/${shipment.id}`);
    expect(shipment).toMatchObject({
      orderId: 'order-1',
      customerId: 'user-alice',
      status: 'PENDING',
      lines: shipmentCommand('order-1').lines,
    });
    expect(['UPS', 'DHL', 'FedEx']).toContain(shipment.carrier);
    expect(shipment.trackingNumber).toMatch(/^(1Z[0-9A-Z]{16}|\d{10}|\d{12})$/);
    expect(shipment.history.map((h: { status: string }) => h.status)).toEqual(['PENDING']);

    expect(events()).toHaveLength(1);
    expect(events()[0]!.subject).toBe('shipping.orders-1.shipment.created');
    expect(events()[0]!.event).toMatchObject({
      type: 'shipping.shipment.created',
      source: '/cells/shipping/shipments',
      partition: 'orders-1',
      subject: shipment.id,
      data: { shipmentId: shipment.id, orderId: 'order-1', carrier: shipment.carrier, trackingNumber: shipment.trackingNumber },
    });
    expect(inboxRows()).toMatchObject([{ eventId: key, consumer: 'shipping-shipments', type: 'create-shipment' }]);
  });

  it('does it once when the same event is delivered twice (same Idempotency-Key)', async () => {
    const key = randomUUID();
    const first = await json(await create(shipmentCommand('order-1'), key));
    const again = await create(shipmentCommand('order-1'), key);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(first);
    expect(shipmentCount()).toBe(1);
    expect(events()).toHaveLength(1);
  });

  it('answers 200 with the existing shipment when the order already has one, writing no second event', async () => {
    const first = await json(await create(shipmentCommand('order-1')));
    const again = await create({ ...shipmentCommand('order-1'), lines: [{ sku: 'HOM-PLANTER', quantity: 9 }] });
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(first);
    expect(shipmentCount()).toBe(1);
    expect(events()).toHaveLength(1);
  });

  it('records the orders partition that owns the order, and addresses every event of the shipment to it', async () => {
    const shipment = await json(await create(shipmentCommand('order-p2', 'user-bob', 'orders-2')));
    expect(t.db.select().from(shipments).all()).toMatchObject([{ orderId: 'order-p2', partition: 'orders-2' }]);
    expect((await t.call('POST', `/shipments/${shipment.id}/dispatch`, { token: t.operator })).status).toBe(200);
    expect((await t.call('POST', `/shipments/${shipment.id}/deliver`, { token: t.operator })).status).toBe(200);
    await create(shipmentCommand('order-p2-cancelled', 'user-bob', 'orders-2'));
    expect((await cancel('order-p2-cancelled')).status).toBe(200);
    expect(events().map((e) => e.subject)).toEqual([
      'shipping.orders-2.shipment.created',
      'shipping.orders-2.shipment.dispatched',
      'shipping.orders-2.shipment.delivered',
      'shipping.orders-2.shipment.created',
      'shipping.orders-2.shipment.cancelled',
    ]);
    expect(events().every((e) => e.event.partition === 'orders-2')).toBe(true);
  });

  it('gives every order its own shipment and tracking number', async () => {
    const a = await json(await create(shipmentCommand('order-1')));
    const b = await json(await create(shipmentCommand('order-2', 'user-bob')));
    expect(a.id).not.toBe(b.id);
    expect(b.customerId).toBe('user-bob');
    expect(events().map((e) => e.event.data.orderId)).toEqual(['order-1', 'order-2']);
  });

  const valid = shipmentCommand('order-9');
  it.each([
    ['missing address', { ...valid, address: undefined }, 'address'],
    ['missing orderId', { ...valid, orderId: undefined }, 'orderId'],
    ['empty orderId', { ...valid, orderId: '' }, 'orderId'],
    ['customerId as a number', { ...valid, customerId: 42 }, 'customerId'],
    ['missing partition', { ...valid, partition: undefined }, 'partition'],
    ['a partition that names no partition', { ...valid, partition: 'warehouse' }, 'partition'],
    ['a partition of no cell', { ...valid, partition: 'orders-0' }, 'partition'],
    ['no lines', { ...valid, lines: [] }, 'lines'],
    ['quantity as a string', { ...valid, lines: [{ sku: 'KIT-CHEF-KNIFE', quantity: '2' }] }, 'lines.0.quantity'],
    ['zero quantity', { ...valid, lines: [{ sku: 'KIT-CHEF-KNIFE', quantity: 0 }] }, 'lines.0.quantity'],
    ['a malformed SKU', { ...valid, lines: [{ sku: 'knife', quantity: 1 }] }, 'lines.0.sku'],
    [
      'the same SKU twice',
      {
        ...valid,
        lines: [
          { sku: 'KIT-CHEF-KNIFE', quantity: 1 },
          { sku: 'KIT-CHEF-KNIFE', quantity: 2 },
        ],
      },
      'lines',
    ],
    ['a country that is not an ISO code', { ...valid, address: { ...valid.address, country: 'USA' } }, 'address.country'],
    ['an unknown field', { ...valid, priority: 'express' }, '(root)'],
  ])('refuses %s with 400 and the field error, writing nothing', async (_name, body, path) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(shipmentCount()).toBe(0);
    expect(events()).toHaveLength(0);
    expect(inboxRows()).toHaveLength(0);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await t.call('POST', '/internal/shipments', {
      token: t.fulfillment,
      raw: '{"orderId": "order-1",',
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(400);
    expect((await json(res)).detail).toMatch(/not valid JSON/);
    expect(shipmentCount()).toBe(0);
  });

  it('requires a well-formed Idempotency-Key', async () => {
    for (const key of [null, 'short', 'has spaces in it']) {
      const res = await create(shipmentCommand('order-1'), key);
      expect(res.status, String(key)).toBe(400);
      expect((await json(res)).errors[0].path).toBe('Idempotency-Key');
    }
    expect(shipmentCount()).toBe(0);
  });

  it('refuses a key already used for a different order with 409', async () => {
    const key = randomUUID();
    await create(shipmentCommand('order-1'), key);
    const res = await create(shipmentCommand('order-2'), key);
    expect(res.status).toBe(409);
    expect(shipmentCount()).toBe(1);
  });
});

describe('POST /internal/shipments/by-order/:orderId/cancel', () => {
  let created: { id: string; carrier: string };
  beforeEach(async () => {
    created = await json(await create(shipmentCommand('order-1')));
  });

  it('cancels a PENDING shipment, records why, and announces shipping.shipment.cancelled', async () => {
    const key = randomUUID();
    const res = await cancel('order-1', key);
    expect(res.status).toBe(200);
    const shipment = await json(res);
    expect(shipment).toMatchObject({ id: created.id, status: 'CANCELLED' });
    expect(shipment.history).toMatchObject([{ status: 'PENDING' }, { status: 'CANCELLED', reason: 'order cancelled' }]);
    expect(events().map((e) => e.subject)).toEqual(['shipping.orders-1.shipment.created', 'shipping.orders-1.shipment.cancelled']);
    expect(events()[1]!.event).toMatchObject({ subject: created.id, data: { shipmentId: created.id, orderId: 'order-1' } });
    expect(inboxRows().find((r) => r.eventId === key)).toMatchObject({ consumer: 'shipping-shipments', type: 'cancel-shipment' });
  });

  it('answers 200 without a second event when the shipment is already cancelled (same key or a new one)', async () => {
    const key = randomUUID();
    await cancel('order-1', key);
    const sameKey = await cancel('order-1', key);
    const newKey = await cancel('order-1');
    expect(sameKey.status).toBe(200);
    expect(newKey.status).toBe(200);
    expect((await json(newKey)).status).toBe('CANCELLED');
    expect(events().filter((e) => e.subject === 'shipping.orders-1.shipment.cancelled')).toHaveLength(1);
  });

  it('answers 404 when the order has no shipment yet, announcing nothing', async () => {
    const res = await cancel('order-never-confirmed');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(events()).toHaveLength(1);
  });

  it('remembers a cancel that overtook the confirmation: the late create records the shipment as cancelled, ships nothing', async () => {
    expect((await cancel('order-overtaken')).status).toBe(404);
    const late = await create(shipmentCommand('order-overtaken'));
    expect(late.status).toBe(200);
    const shipment = await json(late);
    expect(shipment).toMatchObject({ orderId: 'order-overtaken', status: 'CANCELLED', history: [{ status: 'CANCELLED' }] });
    // Announced (not created): the orders cell settles an order whose cancel stopped half-way on it.
    expect(events().map((e) => e.subject)).toEqual(['shipping.orders-1.shipment.created', 'shipping.orders-1.shipment.cancelled']);
    expect(events()[1]!.event).toMatchObject({ data: { shipmentId: shipment.id, orderId: 'order-overtaken' } });
    expect((await t.call('POST', `/shipments/${shipment.id}/dispatch`, { token: t.operator })).status).toBe(409);
  });

  it('refuses to cancel a dispatched or delivered shipment with 409', async () => {
    await t.call('POST', `/shipments/${created.id}/dispatch`, { token: t.operator });
    const dispatched = await cancel('order-1');
    expect(dispatched.status).toBe(409);
    expect((await json(dispatched)).detail).toMatch(/DISPATCHED; it cannot become CANCELLED/);
    await t.call('POST', `/shipments/${created.id}/deliver`, { token: t.operator });
    expect((await cancel('order-1')).status).toBe(409);
    expect(t.shipments.get(created.id, OPERATOR).status).toBe('DELIVERED');
    expect(events().map((e) => e.subject)).not.toContain('shipping.orders-1.shipment.cancelled');
  });

  it('refuses a key that was used to create a shipment with 409', async () => {
    const key = randomUUID();
    await create(shipmentCommand('order-2'), key);
    expect((await cancel('order-2', key)).status).toBe(409);
    expect(
      t.shipments.get((await json(await t.call('GET', '/shipments?orderId=order-2', { token: t.operator }))).items[0].id, OPERATOR).status,
    ).toBe('PENDING');
  });

  it('requires a well-formed Idempotency-Key', async () => {
    expect((await cancel('order-1', null)).status).toBe(400);
    expect(t.shipments.get(created.id, OPERATOR).status).toBe('PENDING');
  });
});

describe('internal commands: only the cell’s own workloads', () => {
  it('refuses a request without a token with 401, writing nothing', async () => {
    expect((await create(shipmentCommand('order-1'), randomUUID(), '')).status).toBe(401);
    expect((await cancel('order-1', randomUUID(), '')).status).toBe(401);
    expect(shipmentCount()).toBe(0);
  });

  it('refuses user tokens, even an operator’s, with 403', async () => {
    for (const token of [t.operator, t.admin, t.alice]) {
      expect((await create(shipmentCommand('order-1'), randomUUID(), token)).status).toBe(403);
      expect((await cancel('order-1', randomUUID(), token)).status).toBe(403);
    }
    expect(shipmentCount()).toBe(0);
  });

  it('refuses a workload token minted for another cell', async () => {
    const foreign = await t.tokens.sign({ sub: 'service:orders/checkout', scopes: ['shipping:internal'] }, { audience: 'cell:orders' });
    expect((await create(shipmentCommand('order-1'), randomUUID(), foreign)).status).toBe(401);
    const otherScope = await t.tokens.sign({ sub: 'service:orders/checkout', scopes: ['orders:internal'] });
    expect((await create(shipmentCommand('order-1'), randomUUID(), otherScope)).status).toBe(403);
    expect(shipmentCount()).toBe(0);
  });

  it('refuses any workload of this cell but fulfillment’s: the core’s own token cannot create or cancel', async () => {
    const core = await t.tokens.sign({ sub: 'service:shipping/shipments', scopes: ['shipping:internal'] });
    expect((await create(shipmentCommand('order-1'), randomUUID(), core)).status).toBe(403);
    expect((await cancel('order-1', randomUUID(), core)).status).toBe(403);
    expect(shipmentCount()).toBe(0);
  });
});
