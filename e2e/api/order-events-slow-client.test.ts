import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sseReader, waitFor } from '@retail/testing';
import { shop, startShopSystem, uniqueKey } from '../src/retail.ts';

/**
 * A client that asks for its order stream and then stops reading, over real HTTP through gateway-global
 * and the partition's gateway: the orders core hangs up on it once it has taken no write for 3 s
 * (STREAM_WRITE_TIMEOUT_MS), instead of keeping what it cannot send. Tokens live 2 minutes here: how long
 * the socket buffers of three hops take to fill depends on the machine.
 */
const { system, api } = await startShopSystem({ extraEnv: { TOKEN_TTL_SECONDS: '120', STREAM_WRITE_TIMEOUT_MS: '3000' } });
afterAll(() => system.stop());

describe('GET /api/orders/events, a client that stops reading', () => {
  it('hangs up on a client that stops reading once every hop’s buffer is full, so nothing piles up for it', async () => {
    const s = await shop(api);
    // Big changes (50 lines, a long address), so that every hop's socket buffers (MBs each) fill soon.
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

    // Both streams and every order from here on with a fresh token (2 minutes): the streams end when it expires.
    alice = await api.token('alice@example.com', 'alice');
    const deadline = Date.now() + 100_000;
    // A client that asks for the stream straight at gateway-global and then reads nothing at all.
    const gateway = new URL(system.plan('gateway-global').url);
    const stalled = connect(Number(gateway.port), gateway.hostname);
    stalled.pause();
    stalled.write(`GET /api/orders/events HTTP/1.1\r\nhost: ${gateway.host}\r\nauthorization: Bearer ${alice}\r\n\r\n`);
    // And one that reads all the time: the same customer's changes, as they are pushed.
    const res = await fetch(`${system.url}/api/orders/events`, { headers: { authorization: `Bearer ${alice}` } });
    expect(res.status).toBe(200);
    const reader = sseReader(res.body!);
    void reader.ended(150_000); // reads all the time, as a client does
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
    await reader.close();
  }, 180_000);
});
