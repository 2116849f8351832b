import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@retail/testing';
import type { Schemas } from '../src/client.ts';
import { address, startShopSystem, uniqueKey } from '../src/retail.ts';

/**
 * The cell boundary against a hostile caller or a compromised cell, as real processes: each attack
 * is performed and must be refused, leaving the orders and shipments as they were.
 */
const { system, api, s } = await startShopSystem();
afterAll(() => system.stop());

/** Where checkout forwards its customer's internal token to the orders core (@retail/auth's FORWARDED_USER_HEADER). */
const FORWARDED_USER_HEADER = 'x-forwarded-user-token';
/** The development workload credentials npm start and these tests run with (@retail/descriptor's devWorkloadSecret). */
const devWorkloadSecret = (cell: string, component: string) => `${cell}-${component}-workload-dev`;

const subjectOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

async function post(url: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}

/** A partition of the orders cell's client-credentials token, as anyone who knows its (default) client secret gets it. */
async function ordersCellToken(): Promise<string> {
  const res = await fetch(`${system.url}/auth/token`, {
    method: 'POST',
    headers: { authorization: basic('orders-1', 'orders-1-dev-secret'), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as Schemas['TokenResponse']).access_token;
}

/** Alice's order, confirmed, with its shipment PENDING: what the attacks below go after. */
async function confirmedOrderOfAlice() {
  const sku = await s.productWithStock('SEC-CELLS', 10);
  const placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
  expect(placed.status).toBe(201);
  const id = placed.body.id;
  await s.orderReaches(s.alice, id, 'CONFIRMED');
  const shipment = await waitFor(() => s.shipmentOf(id), { what: 'the shipment' });
  return { id, shipment };
}

describe('machine tokens at the public edge', () => {
  it("refuses the orders cell's client token on the shipping cell's cancel route (not routed) and on routes for people", async () => {
    const { id, shipment } = await confirmedOrderOfAlice();
    const machine = await ordersCellToken();

    const cancel = await api.call('POST', `/api/shipments/by-order/${id}/cancel`, {
      token: machine,
      body: { customerId: subjectOf(s.alice) },
    });
    expect(cancel.status).toBe(404);
    expect(cancel.headers.get('content-type')).toBe('application/problem+json');
    expect((await api.call('GET', `/api/prices?sku=${shipment.lines[0]!.sku}`, { token: machine })).status).toBe(404);

    const forPeople = await api.call('GET', '/api/orders', { token: machine });
    expect(forPeople.status).toBe(403);
    expect(forPeople.headers.get('content-type')).toBe('application/problem+json');
    expect((await api.call('GET', `/api/shipments/${shipment.id}`, { token: machine })).status).toBe(403);

    expect((await s.order(s.alice, id)).status).toBe('CONFIRMED');
    expect((await s.shipmentOf(id))?.status).toBe('PENDING');
  });
});

describe("the shipping cell's gateway, called directly with the orders cell's client token", () => {
  it("will not cancel another customer's shipment, but cancels it for the customer the orders cell acts for", async () => {
    const { id, shipment } = await confirmedOrderOfAlice();
    const machine = { authorization: `Bearer ${await ordersCellToken()}` };
    const shippingGateway = system.plan('shipping/gateway').url;

    const asBob = await post(`${shippingGateway}/shipments/by-order/${id}/cancel`, machine, { customerId: subjectOf(s.bob) });
    expect(asBob.status).toBe(404);
    expect(asBob.type).toBe('application/problem+json');
    expect((await post(`${shippingGateway}/shipments/by-order/${id}/cancel`, machine, {})).status).toBe(400);
    // A person's token is not good on a route for cells, even with the right scope.
    expect((await post(`${shippingGateway}/shipments/by-order/${id}/cancel`, { authorization: `Bearer ${s.admin}` }, {})).status).toBe(403);
    expect((await s.shipmentOf(id))?.status).toBe('PENDING');
    expect((await s.order(s.alice, id)).status).toBe('CONFIRMED');

    // Alice's own cancel goes through checkout, which names her: the shipment and the order are cancelled.
    expect((await api.post('/api/orders/{id}/cancel', { path: { id }, token: s.alice })).status).toBe(200);
    expect((await s.shipmentOf(id))?.status).toBe('CANCELLED');
    expect((await s.shipmentOf(id))?.id).toBe(shipment.id);
    expect((await s.order(s.alice, id)).status).toBe('CANCELLED');
  });
});

describe('workload tokens and the orders core', () => {
  const ordersGateway = () => system.plan('orders-1/gateway').url;
  const ordersCore = () => system.plan('orders-1/orders').url;
  const mint = (component: string, secret: string) =>
    post(`${ordersGateway()}/internal/token`, { authorization: basic(component, secret) });
  /** An order for Bob of the attacker's choosing, sent straight to the core. */
  const forgedOrder = () => ({
    customerId: subjectOf(s.bob),
    idempotencyKey: uniqueKey('forged'),
    requestHash: 'a'.repeat(64),
    lines: [{ sku: 'ANY-SKU', quantity: 1 }],
    shippingAddress: address,
  });

  it("mints a component's token only for its own credential: not for another's, nor for the old cell secret", async () => {
    expect((await mint('checkout', devWorkloadSecret('orders', 'orders'))).status).toBe(401);
    expect((await mint('checkout', 'orders-cell-secret')).status).toBe(401);
    expect((await mint('checkout', devWorkloadSecret('products', 'browse'))).status).toBe(401);
    expect((await mint('orders', devWorkloadSecret('orders', 'orders'))).status).toBe(200);
  });

  it("holds between partitions: a partition's services take only their own gateway's tokens", async () => {
    const checkout = (await mint('checkout', devWorkloadSecret('orders', 'checkout'))).body.access_token as string;
    const lookUp = (core: string) => post(`${core}/internal/orders`, { authorization: `Bearer ${checkout}` }, forgedOrder());
    // orders-1's checkout token: known at orders-1's core (which then wants the customer's own token: 403),
    // not even recognised as a token by orders-2's (401).
    expect((await lookUp(ordersCore())).status).toBe(403);
    const other = await lookUp(system.plan('orders-2/orders').url);
    expect(other.status).toBe(401);
    expect(other.type).toBe('application/problem+json');
  });

  it('refuses an order placed straight at the core, for any customer', async () => {
    const before = (await api.get('/api/orders', { token: s.bob })).body.total;
    const core = (await mint('orders', devWorkloadSecret('orders', 'orders'))).body.access_token as string;
    const withCoreToken = await post(
      `${ordersCore()}/internal/orders`,
      { authorization: `Bearer ${core}`, [FORWARDED_USER_HEADER]: core },
      forgedOrder(),
    );
    expect(withCoreToken.status).toBe(403);
    expect(withCoreToken.type).toBe('application/problem+json');

    // Even checkout's own credential is not enough without the customer's token from the gateway.
    const checkout = (await mint('checkout', devWorkloadSecret('orders', 'checkout'))).body.access_token as string;
    expect((await post(`${ordersCore()}/internal/orders`, { authorization: `Bearer ${checkout}` }, forgedOrder())).status).toBe(403);
    const asWorkload = { authorization: `Bearer ${checkout}`, [FORWARDED_USER_HEADER]: checkout };
    expect((await post(`${ordersCore()}/internal/orders`, asWorkload, forgedOrder())).status).toBe(403);

    expect((await api.get('/api/orders', { token: s.bob })).body.total).toBe(before);
  });
});

describe('the console event feed', () => {
  /** Reads `/console/events` until `until` holds of what arrived. */
  async function feedUntil(until: (text: string) => boolean, token?: string) {
    const res = await fetch(`${system.url}/console/events`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const deadline = Date.now() + 20_000;
    try {
      while (!until(text)) {
        if (Date.now() > deadline) throw new Error(`the feed did not show it in time; got:\n${text}`);
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } finally {
      await reader.cancel();
    }
    return text;
  }

  it('shows anonymous viewers no order or shipment id; an operator sees them', async () => {
    const { id, shipment } = await confirmedOrderOfAlice();
    const operatorView = await feedUntil((t) => t.includes(`"entity":"${shipment.id}"`), s.admin);
    expect(operatorView).toContain(`"entity":"${id}"`);
    // The operator's feed says how far the events go; the anonymous one is read as far.
    const seqs = [...operatorView.matchAll(/\nid: (\d+)/g)].map((m) => Number(m[1]));
    const last = Math.max(...seqs);
    const anonymous = await feedUntil((t) => t.includes(`id: ${last}\n`));
    expect(anonymous).toContain('"type":"orders.order.placed"');
    expect(anonymous).toMatch(/"partition":"orders-\d"/);
    expect(anonymous).not.toContain(id);
    expect(anonymous).not.toContain(shipment.id);
    expect((await feedUntil((t) => t.includes(`id: ${last}\n`), s.alice)).includes(id)).toBe(false);
  });
});
