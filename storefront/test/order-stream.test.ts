import { describe, expect, it } from 'vitest';
import { ApiError, SessionExpiredError } from '../public/js/api.js';
import { followOrders, serverSentEvents } from '../public/js/order-stream.js';

const body = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
const sse = (...chunks: string[]) => new Response(body(...chunks), { headers: { 'content-type': 'text/event-stream' } });
const orderEvent = (id: string, status: string, eventId: string) =>
  `event: order\nid: ${eventId}\ndata: ${JSON.stringify({ id, status })}\n\n`;

describe('the order stream in the storefront', () => {
  it('parses events split anywhere across chunks, skipping heartbeats', async () => {
    const events = [];
    for await (const event of serverSentEvents(
      body('event: or', 'der\nid: orders-1:7\ndata: {"a"', ':1}\n\n: keep-alive\n\n', 'event: ready\r\ndata: {}\r\n\r\n'),
    ))
      events.push(event);
    expect(events).toEqual([
      { event: 'order', id: 'orders-1:7', data: '{"a":1}' },
      { event: 'ready', data: '{}' },
    ]);
  });

  it('gives each pushed order, says once when the first stream is live, and after a drop reopens after the last event it had', async () => {
    const controller = new AbortController();
    const opened: (string | undefined)[] = [];
    const ready = (id: string) => `event: ready\nid: ${id}\ndata: {}\n\n`;
    const answers = [
      () => sse(orderEvent('o-1', 'PENDING', 'orders-1:3'), ready('orders-1:3')),
      () => sse(orderEvent('o-1', 'CONFIRMED', 'orders-1:4'), ready('orders-1:4')),
    ];
    const seen: string[] = [];
    await followOrders({
      api: {
        async events(_template: string, options: { lastEventId?: string }) {
          opened.push(options.lastEventId);
          const next = answers.shift();
          if (!next) {
            controller.abort();
            throw new DOMException('aborted', 'AbortError');
          }
          return next();
        },
      } as never,
      signal: controller.signal,
      onOrder: (order: { id: string; status: string }) => seen.push(`${order.id} ${order.status}`),
      // Once, for the first stream: a resumed one has missed nothing.
      onLive: () => seen.push('live'),
      fallback: () => seen.push('polling'),
      wait: async () => {},
    });
    expect(seen).toEqual(['o-1 PENDING', 'live', 'o-1 CONFIRMED']);
    expect(opened).toEqual([undefined, 'orders-1:3', 'orders-1:4']);
  });

  it('falls back to polling when the stream cannot be opened three times in a row, or at once for an expired session', async () => {
    for (const [failure, opens] of [
      [new ApiError(502, { status: 502 }), 3],
      [new SessionExpiredError(), 1],
    ] as const) {
      let tries = 0;
      let polling = false;
      await followOrders({
        api: {
          async events() {
            tries++;
            throw failure;
          },
        } as never,
        signal: new AbortController().signal,
        onOrder: () => {},
        fallback: () => {
          polling = true;
        },
        wait: async () => {},
      });
      expect([tries, polling]).toEqual([opens, true]);
    }
  });
});
