import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sseReader, waitFor, type SseReader } from '@retail/testing';
import { shop, startShopSystem, uniqueKey } from '../src/retail.ts';

/**
 * A customer's order changes pushed as server-sent events, over real HTTP through gateway-global, the
 * cell router and the partition's gateway to the orders core. Tokens live 30 s here, the shortest the
 * token service allows, so that one expires within the test; a stream whose client takes no write for
 * 3 s is hung up on.
 */
const { system, api } = await startShopSystem({ extraEnv: { TOKEN_TTL_SECONDS: '30', STREAM_WRITE_TIMEOUT_MS: '3000' } });
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

  it('hangs up on a client that stops reading once every hop’s buffer is full, so nothing piles up for it', async () => {
    const s = await shop(api);
    // Big changes (50 lines, a long address), so that every hop's socket buffers (MBs each) fill within a token's 30 s.
    const skus = await Promise.all(Array.from({ length: 50 }, () => s.productWithStock('SSE-SLOW', 100_000, 100)));
    const lines = skus.map((sku) => ({ sku, quantity: 1 }));
    const address = {
      name: 'N'.repeat(100),
      line1: 'L'.repeat(200),
      line2: 'M'.repeat(200),
      city: 'C'.repeat(100),
      postalCode: '12345',
      country: 'US',
    };
    let alice = s.alice;
    const place = () =>
      api.post('/api/orders', {
        token: alice,
        body: { lines, shippingAddress: address },
        headers: { 'Idempotency-Key': uniqueKey('slow') },
      });
    const first = await s.placeOrder(s.alice, lines); // once the orders cell knows every product
    expect(first.status).toBe(201);
    const partition = first.headers.get('x-cell-partition')!;
    const hungUp = async () => {
      const text = await (await fetch(`http://127.0.0.1:${system.plan(`${partition}/orders`).metricsPort}/metrics`)).text();
      return Number(/^orders_events_hung_up_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const before = await hungUp();

    // Both streams and every order from here on with a fresh token: the streams end when it expires.
    alice = await api.token('alice@example.com', 'alice');
    const deadline = Date.now() + 26_000;
    // A client that asks for the stream straight at gateway-global and then reads nothing at all.
    const gateway = new URL(system.plan('gateway-global').url);
    const stalled = connect(Number(gateway.port), gateway.hostname);
    stalled.pause();
    stalled.write(`GET /api/orders/events HTTP/1.1\r\nhost: ${gateway.host}\r\nauthorization: Bearer ${alice}\r\n\r\n`);
    // And one that reads all the time: the same customer's changes, as they are pushed.
    const reader = await stream(alice);
    void reader.ended(60_000); // reads all the time, as a client does
    const pushed = () => reader.events.reduce((bytes, e) => bytes + e.data.length, 0);

    let placed = 0;
    let last = '';
    while ((await hungUp()) === before && Date.now() < deadline) {
      const batch = await Promise.all(Array.from({ length: 16 }, place));
      expect(batch.map((r) => r.status)).toEqual(batch.map(() => 201));
      placed += batch.length;
      last = batch.at(-1)!.body!.id;
    }
    stalled.destroy();
    // Hung up once the ~MBs the hops buffer were full: what the core did not write stayed in its database.
    expect(await hungUp(), `no hang-up after ${placed} orders, ${pushed()} bytes pushed to the reading client`).toBe(before + 1);
    expect(pushed()).toBeGreaterThan(100_000);
    // The reader went on getting every change meanwhile.
    const confirmed = (id: string) =>
      reader.events.some((e) => e.event === 'order' && e.data.includes(id) && JSON.parse(e.data).status === 'CONFIRMED');
    await waitFor(async () => confirmed(last) || undefined, {
      what: `order ${last} CONFIRMED on the reading stream`,
    });
  }, 60_000);

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
