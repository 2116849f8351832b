import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json } from '@retail/testing';
import { checkoutTestApp, ordersCoreForThisFile, type CheckoutTestApp } from '../../test/test-app.ts';

/** checkout while the orders core is moving the customer to another partition (their orders frozen there). */
const core = await ordersCoreForThisFile();
let t: CheckoutTestApp;
beforeEach(async () => {
  t = await checkoutTestApp(core);
});
afterEach(() => t.close());

const move = { migrationId: randomUUID(), to: 'orders-2' };
const basket = {
  lines: [{ sku: 'KIT-PAN', quantity: 2 }],
  shippingAddress: { name: 'Alice Doe', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
};
const request = (path: string, token: string, body?: unknown) =>
  t.app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
/** Everything the orders core holds: a refused request must leave it as it was. */
const written = () => ({ orders: core.storedOrders(), events: core.outboxEvents() });

async function tryAgainInASecond(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(await json(res)).toMatchObject({
    type: '/api/problems/customer-moving',
    title: 'Customer being moved',
    detail: 'Your orders are being moved to another partition; try again in a second.',
  });
}

describe('checkout: a customer being moved to another partition', () => {
  it('answers a new order 503 with Retry-After: 1, and nothing is written', async () => {
    core.migration.freeze('user-alice', move);
    const before = written();
    await tryAgainInASecond(await request('/orders', t.alice, basket));
    expect(written()).toEqual(before);
    // Other customers order on.
    expect((await request('/orders', t.bob, basket)).status).toBe(201);
  });

  it('answers a cancel 503 with Retry-After: 1 (pending or confirmed), and nothing is written', async () => {
    const pending = core.placePanOrder(1);
    const confirmed = core.placePanOrder(2);
    core.orderBook.advance(confirmed.id, { to: 'CONFIRMED' }, randomUUID());
    core.migration.freeze('user-alice', move);
    const before = written();
    await tryAgainInASecond(await request(`/orders/${pending.id}/cancel`, t.alice));
    await tryAgainInASecond(await request(`/orders/${confirmed.id}/cancel`, t.alice));
    expect(written()).toEqual(before);
    expect(t.shipping.requests).toEqual([]);
  });

  it('places and cancels again once the move is undone', async () => {
    core.migration.freeze('user-alice', move);
    core.migration.unfreeze('user-alice', { migrationId: move.migrationId });
    const placed = await request('/orders', t.alice, basket);
    expect(placed.status).toBe(201);
    expect((await request(`/orders/${(await json(placed)).id}/cancel`, t.alice)).status).toBe(200);
  });
});
