import { afterAll, describe, expect, it } from 'vitest';
import { sseReader, type SseReader } from '@retail/testing';
import { shop, startShopSystem } from '../src/retail.ts';

/**
 * A customer's order changes pushed as server-sent events, over real HTTP through gateway-global, the
 * cell router and the partition's gateway to the orders core. Tokens live 30 s here, the shortest the
 * token service allows, so that one expires within the test. (A client that stops reading:
 * order-events-slow-client.test.ts.)
 */
const { system, api } = await startShopSystem({ extraEnv: { TOKEN_TTL_SECONDS: '30' } });
afterAll(() => system.stop());

const open: SseReader[] = [];
afterAll(() => Promise.all(open.splice(0).map((r) => r.close())));

async function events(token: string | undefined, lastEventId?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (lastEventId) headers['last-event-id'] = lastEventId;
  return fetch(`${system.url}/api/orders/events`, { headers });
}
async function stream(token: string, lastEventId?: string) {
  const res = await events(token, lastEventId);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const reader = sseReader(res.body!);
  open.push(reader);
  return reader;
}
/** The next `order` event's order whose status is `status` (earlier states of it pass by). */
async function orderEvent(reader: SseReader, id: string, status: string) {
  for (;;) {
    const order = JSON.parse((await reader.next('order', 20_000)).data);
    if (order.id === id && order.status === status) return order;
  }
}

describe('GET /api/orders/events', () => {
  it('pushes each change of the caller’s order through both gateways, and never another customer’s', async () => {
    const s = await shop(api); // tokens of their own: the shop's first ones expire in 30 s
    const sku = await s.productWithStock('SSE-PUSH', 10, 1500);
    const alice = await stream(s.alice);
    await alice.next('ready', 10_000);

    const placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
    const bobs = await s.placeOrder(s.bob, [{ sku, quantity: 1 }]);
    expect([placed.status, bobs.status]).toEqual([201, 201]);
    expect(await orderEvent(alice, placed.body.id, 'PENDING')).toMatchObject({ total: 1500 });
    const confirmed = await orderEvent(alice, placed.body.id, 'CONFIRMED');
    expect(confirmed.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    await s.orderReaches(s.bob, bobs.body.id, 'CONFIRMED');
    expect(JSON.stringify(alice.events)).not.toContain(bobs.body.id);
  });

  it('resumes with Last-Event-ID: a client that was away gets what it missed', async () => {
    const s = await shop(api);
    const sku = await s.productWithStock('SSE-RESUME', 10, 900);
    const first = await stream(s.alice);
    const { id } = await first.next('ready', 10_000);
    await first.close();

    const placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
    await s.orderReaches(s.alice, placed.body.id, 'CONFIRMED');
    const again = await stream(s.alice, id);
    expect(await orderEvent(again, placed.body.id, 'CONFIRMED')).toMatchObject({ id: placed.body.id });
    await again.next('ready', 10_000);
  });

  it('answers a garbage Last-Event-ID with the current state, not an error', async () => {
    const s = await shop(api);
    const sku = await s.productWithStock('SSE-GARBAGE', 10, 700);
    const placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
    await s.orderReaches(s.alice, placed.body.id, 'CONFIRMED');
    const reader = await stream(s.alice, 'garbage: 9999');
    expect(await orderEvent(reader, placed.body.id, 'CONFIRMED')).toBeTruthy();
    await reader.next('ready', 10_000);
  });

  it('refuses a missing or bad token with 401 before any stream starts', async () => {
    for (const token of [undefined, 'not.a.token']) {
      const res = await events(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 401 });
    }
  });

  it('ends the stream when the token it was opened with expires', async () => {
    const s = await shop(api);
    const openedAt = Date.now();
    const reader = await stream(s.alice);
    await reader.next('ready', 10_000);
    // Heartbeats keep it open past every hop's idle timeout (10 s) until the token's 30 s are up.
    expect(await reader.ended(45_000)).toBe(true);
    expect(Date.now() - openedAt).toBeGreaterThan(20_000);
    expect(reader.comments()).toBeGreaterThan(2);
  }, 60_000);
});
