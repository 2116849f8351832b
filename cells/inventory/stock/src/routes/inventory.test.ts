import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json } from '@retail/testing';
import { adjustments } from '../db/schema.ts';
import { stockTestApp } from '../../test/test-app.ts';
import { caller, outboxEvents, stockUp, type TestApp } from '../../test/test-support.ts';

let t: TestApp;
const call = caller(() => t);

beforeEach(async () => {
  t = await stockTestApp();
  stockUp(t.db, { 'KIT-PAN': 10, 'OUT-TENT': 3, 'HOM-LAMP': 0, 'BOO-GUIDE': 25 });
});
afterEach(() => t.close());

const reserve = (orderId: string, lines: Array<{ sku: string; quantity: number }>) =>
  call('POST', '/reservations', {
    token: t.allocation,
    body: { orderId, partition: 'orders-1', lines },
    headers: { 'idempotency-key': `event-${orderId}` },
  });

describe('stock: reading levels', () => {
  it('lists levels by SKU with onHand, reserved and available, in a page envelope', async () => {
    const res = await call('GET', '/inventory', { token: t.anonymous });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      items: [
        { sku: 'BOO-GUIDE', onHand: 25, reserved: 0, available: 25 },
        { sku: 'HOM-LAMP', onHand: 0, reserved: 0, available: 0 },
        { sku: 'KIT-PAN', onHand: 10, reserved: 0, available: 10 },
        { sku: 'OUT-TENT', onHand: 3, reserved: 0, available: 3 },
      ],
      page: 1,
      pageSize: 50,
      total: 4,
    });
  });

  it('pages with a stable total', async () => {
    const second = await json(await call('GET', '/inventory?page=2&pageSize=3', { token: t.anonymous }));
    expect(second).toMatchObject({ page: 2, pageSize: 3, total: 4 });
    expect(second.items.map((i: { sku: string }) => i.sku)).toEqual(['OUT-TENT']);
    expect((await json(await call('GET', '/inventory?page=9', { token: t.anonymous }))).items).toEqual([]);
  });

  it.each([
    ['pageSize=101', 'pageSize'],
    ['pageSize=0', 'pageSize'],
    ['page=0', 'page'],
    ['page=two', 'page'],
    ['sort=sku', '(root)'],
  ])('refuses the query %s with 400 naming %s', async (query, path) => {
    const res = await call('GET', `/inventory?${query}`, { token: t.anonymous });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('shows one SKU, with reservations taken off what is available', async () => {
    await reserve('order-1', [{ sku: 'KIT-PAN', quantity: 4 }]);
    const res = await call('GET', '/inventory/KIT-PAN', { token: t.anonymous });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ sku: 'KIT-PAN', onHand: 10, reserved: 4, available: 6 });
  });

  it('answers 404 for a SKU it does not stock and 400 for a malformed one', async () => {
    const missing = await call('GET', '/inventory/NOPE-404', { token: t.anonymous });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const bad = await call('GET', '/inventory/not%20a%20sku', { token: t.anonymous });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].path).toBe('(root)');
  });
});

describe('stock: adjustments', () => {
  const adjust = (sku: string, body: unknown, token = t.admin) => call('POST', `/inventory/${sku}/adjustments`, { token, body });

  it('receives goods: 201 with the new level, the adjustment recorded with who and why, and stock.changed written', async () => {
    const res = await adjust('KIT-PAN', { delta: 15, reason: 'delivery from supplier' });
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual({ sku: 'KIT-PAN', onHand: 25, reserved: 0, available: 25 });
    expect(t.db.select().from(adjustments).all()).toMatchObject([
      { sku: 'KIT-PAN', delta: 15, reason: 'delivery from supplier', actor: 'user-admin' },
    ]);
    expect(outboxEvents(t.db)).toEqual([
      { type: 'inventory.stock.changed', subject: 'KIT-PAN', data: { sku: 'KIT-PAN', onHand: 25, reserved: 0, available: 25 } },
    ]);
    expect(await json(await call('GET', '/inventory/KIT-PAN', { token: t.anonymous }))).toMatchObject({ onHand: 25 });
  });

  it('writes goods off down to exactly zero', async () => {
    const res = await adjust('OUT-TENT', { delta: -3, reason: 'water damage' });
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual({ sku: 'OUT-TENT', onHand: 0, reserved: 0, available: 0 });
  });

  it('refuses to take on-hand below zero with 409 and changes nothing', async () => {
    const res = await adjust('OUT-TENT', { delta: -4, reason: 'count' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).detail).toMatch(/-1 on hand/);
    expect(await json(await call('GET', '/inventory/OUT-TENT', { token: t.anonymous }))).toMatchObject({ onHand: 3 });
    expect(t.db.select().from(adjustments).all()).toHaveLength(0);
    expect(outboxEvents(t.db)).toHaveLength(0);
  });

  it('refuses to take on-hand below what is reserved for orders with 409', async () => {
    await reserve('order-1', [{ sku: 'KIT-PAN', quantity: 8 }]);
    const before = outboxEvents(t.db).length;
    const res = await adjust('KIT-PAN', { delta: -3, reason: 'breakage' });
    expect(res.status).toBe(409);
    expect((await json(res)).detail).toMatch(/8 reserved/);
    expect(await json(await call('GET', '/inventory/KIT-PAN', { token: t.anonymous }))).toEqual({
      sku: 'KIT-PAN',
      onHand: 10,
      reserved: 8,
      available: 2,
    });
    expect(outboxEvents(t.db)).toHaveLength(before);
    expect((await adjust('KIT-PAN', { delta: -2, reason: 'breakage' })).status).toBe(201);
  });

  it('answers 404 for an unknown SKU and writes nothing', async () => {
    const res = await adjust('NOPE-404', { delta: 5, reason: 'found some' });
    expect(res.status).toBe(404);
    expect(outboxEvents(t.db)).toHaveLength(0);
  });

  it.each([
    ['a zero delta', { delta: 0, reason: 'nothing' }, 'delta'],
    ['a fractional delta', { delta: 1.5, reason: 'half' }, 'delta'],
    ['a delta as a string', { delta: '5', reason: 'text' }, 'delta'],
    ['a huge delta', { delta: 1_000_000, reason: 'typo' }, 'delta'],
    ['a missing reason', { delta: 5 }, 'reason'],
    ['a blank reason', { delta: 5, reason: '   ' }, 'reason'],
    ['an unknown field', { delta: 5, reason: 'x', actor: 'someone-else' }, '(root)'],
  ])('refuses %s with 400 and the field error, writing nothing', async (_name, body, path) => {
    const res = await adjust('KIT-PAN', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(outboxEvents(t.db)).toHaveLength(0);
  });

  it('refuses malformed JSON with 400, a non-JSON body with 415 and a malformed SKU with 400', async () => {
    const malformed = await call('POST', '/inventory/KIT-PAN/adjustments', { token: t.admin, raw: '{"delta": 5,' });
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).detail).toMatch(/not valid JSON/);
    const form = await call('POST', '/inventory/KIT-PAN/adjustments', {
      token: t.admin,
      raw: 'delta=5',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect((await adjust('kit-pan', { delta: 5, reason: 'x' })).status).toBe(400);
    expect(outboxEvents(t.db)).toHaveLength(0);
  });

  it('refuses a shortfall as an insufficient-stock problem', async () => {
    const res = await adjust('OUT-TENT', { delta: -4, reason: 'count' });
    expect(await json(res)).toMatchObject({ type: '/api/problems/insufficient-stock', title: 'Insufficient stock', status: 409 });
  });

  it('needs the inventory:write scope (403) and a token (401)', async () => {
    expect((await adjust('KIT-PAN', { delta: 5, reason: 'x' }, t.customer)).status).toBe(403);
    expect((await adjust('KIT-PAN', { delta: 5, reason: 'x' }, t.allocation)).status).toBe(403);
    const anonymous = await call('POST', '/inventory/KIT-PAN/adjustments', { body: { delta: 5, reason: 'x' } });
    expect(anonymous.status).toBe(401);
    expect(outboxEvents(t.db)).toHaveLength(0);
  });
});

describe('stock: adjustments with an Idempotency-Key', () => {
  const adjust = (sku: string, body: unknown, key: string, token = t.admin) =>
    call('POST', `/inventory/${sku}/adjustments`, { token, body, headers: { 'idempotency-key': key } });
  const level = async (sku: string) => json(await call('GET', `/inventory/${sku}`, { token: t.anonymous }));

  it('applies a retried adjustment once and answers it as the first time, whatever happened since', async () => {
    const first = await adjust('KIT-PAN', { delta: 5, reason: 'delivery 42' }, 'delivery-42-kit-pan');
    expect(first.status).toBe(201);
    const answer = await json(first);
    expect(answer).toEqual({ sku: 'KIT-PAN', onHand: 15, reserved: 0, available: 15 });
    // Someone else changes the level; then the first request is sent again (its answer was lost).
    await reserve('order-9', [{ sku: 'KIT-PAN', quantity: 2 }]);
    const announced = outboxEvents(t.db);
    const retried = await adjust('KIT-PAN', { reason: 'delivery 42', delta: 5 }, 'delivery-42-kit-pan');
    expect(retried.status).toBe(201);
    expect(await json(retried)).toEqual(answer);
    expect(await level('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 15, reserved: 2, available: 13 });
    expect(t.db.select().from(adjustments).all()).toHaveLength(1);
    // The retry announced nothing; the level waiting to be published is the latest one.
    expect(outboxEvents(t.db)).toEqual(announced);
    expect(announced.filter((e) => e.type === 'inventory.stock.changed' && e.subject === 'KIT-PAN').map((e) => e.data)).toEqual([
      { sku: 'KIT-PAN', onHand: 15, reserved: 2, available: 13 },
    ]);
  });

  it('refuses the same key with another body, or for another SKU, with 422 idempotency-key-reused and changes nothing', async () => {
    expect((await adjust('KIT-PAN', { delta: 5, reason: 'delivery 43' }, 'delivery-43')).status).toBe(201);
    for (const [sku, body] of [
      ['KIT-PAN', { delta: 6, reason: 'delivery 43' }],
      ['KIT-PAN', { delta: 5, reason: 'delivery 44' }],
      ['BOO-GUIDE', { delta: 5, reason: 'delivery 43' }],
    ] as const) {
      const res = await adjust(sku, body, 'delivery-43');
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await json(res)).toMatchObject({ type: '/api/problems/idempotency-key-reused', title: 'Idempotency-Key reused', status: 422 });
    }
    expect(await level('KIT-PAN')).toMatchObject({ onHand: 15 });
    expect(await level('BOO-GUIDE')).toMatchObject({ onHand: 25 });
    expect(t.db.select().from(adjustments).all()).toHaveLength(1);
  });

  it('keeps keys per caller: the same key from two operators is two adjustments', async () => {
    const other = await t.tokens.sign({ sub: 'user-operator-2', scopes: ['inventory:write'] });
    expect((await adjust('KIT-PAN', { delta: 1, reason: 'count' }, 'shared-key-1')).status).toBe(201);
    expect((await adjust('KIT-PAN', { delta: 1, reason: 'count' }, 'shared-key-1', other)).status).toBe(201);
    expect(await level('KIT-PAN')).toMatchObject({ onHand: 12 });
  });

  it('keeps no key for a refused adjustment: the same request may be sent again once it can succeed', async () => {
    expect((await adjust('OUT-TENT', { delta: -4, reason: 'count' }, 'count-tent-1')).status).toBe(409);
    expect((await adjust('OUT-TENT', { delta: 2, reason: 'found two' }, 'found-tent-1')).status).toBe(201);
    expect((await adjust('OUT-TENT', { delta: -4, reason: 'count' }, 'count-tent-1')).status).toBe(201);
    expect(await level('OUT-TENT')).toMatchObject({ onHand: 1 });
  });

  it('refuses a malformed key with 400 naming the header, and applies nothing', async () => {
    for (const key of ['short', 'has space in it', 'x'.repeat(101)]) {
      const res = await adjust('KIT-PAN', { delta: 5, reason: 'x' }, key);
      expect(res.status, key).toBe(400);
      expect(await json(res)).toMatchObject({ type: '/api/problems/invalid-request', errors: [{ path: 'Idempotency-Key' }] });
    }
    expect(t.db.select().from(adjustments).all()).toHaveLength(0);
  });
});

describe('stock: the cell boundary and the HTTP frame', () => {
  it('refuses reads without the internal token, or with one minted for another cell', async () => {
    expect((await call('GET', '/inventory')).status).toBe(401);
    expect((await call('GET', '/inventory/KIT-PAN')).status).toBe(401);
    const otherCell = await t.tokens.sign({ sub: 'anonymous' }, { audience: 'cell:products' });
    expect((await call('GET', '/inventory', { token: otherCell })).status).toBe(401);
    const expired = await t.tokens.sign({ sub: 'anonymous' }, { ttlSeconds: -10 });
    expect((await call('GET', '/inventory', { token: expired })).status).toBe(401);
  });

  it('answers unknown routes with 404, wrong methods with 405 + Allow, and serves health', async () => {
    expect((await call('GET', '/stock', { token: t.anonymous })).status).toBe(404);
    expect((await call('GET', '/stock')).status).toBe(401);
    const wrong = await call('DELETE', '/inventory/KIT-PAN', { token: t.admin });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('GET');
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).status).toBe(200);
  });
});
