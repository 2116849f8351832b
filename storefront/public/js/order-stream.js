// The signed-in customer's orders, pushed as they change (GET /api/orders/events, server-sent events), with
// polling as the fallback when the stream cannot be opened. EventSource cannot send the token, so the
// stream is read from fetch's body.

import { SessionExpiredError } from './api.js';

/** A drop (a redeploy, a move to another partition, the token's end) is followed by a new stream after this long. */
const REOPEN_MS = 1_000;
/** Failures to open in a row after which the page polls instead. */
const FAILURES_TO_FALL_BACK = 3;

/**
 * The events of a text/event-stream body, as EventSource parses them.
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<{ event: string, id?: string, data: string }>}
 */
export async function* serverSentEvents(body) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (body)) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      /** @type {{ event: string, id?: string, data: string }} */
      const event = { event: 'message', data: '' };
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // a heartbeat
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') data.push(value);
      }
      event.data = data.join('\n');
      if (data.length > 0 || event.event !== 'message') yield event;
    }
  }
}

/**
 * Follow the customer's orders until `signal` aborts: `onOrder` gets each order as it changes. A stream
 * that drops is reopened after its last event (Last-Event-ID), so nothing is missed; when it cannot be
 * opened FAILURES_TO_FALL_BACK times in a row, or the session has run out, `fallback` takes over (the
 * page's polling, which also reports an expired session).
 *
 * A first stream (no Last-Event-ID yet) starts with the orders not at an end state: one that reached its end
 * between the page's own read and the stream's start is not among them, so `onLive` is called once the first
 * stream is live, for the page to read what it shows once more.
 * @param {{ api: import('./api.js').Api, signal: AbortSignal, onOrder: (order: any) => void, onLive?: () => void, fallback: () => void, wait?: (ms: number) => Promise<void> }} options
 */
export async function followOrders({ api, signal, onOrder, onLive, fallback, wait = (ms) => new Promise((r) => setTimeout(r, ms)) }) {
  /** @type {string | undefined} */
  let lastEventId;
  let failures = 0;
  let live = false;
  while (!signal.aborted) {
    /** @type {Response} */
    let res;
    try {
      res = await api.events('/api/orders/events', { lastEventId, signal });
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof SessionExpiredError || ++failures >= FAILURES_TO_FALL_BACK) return fallback();
      await wait(REOPEN_MS);
      continue;
    }
    failures = 0;
    try {
      for await (const event of serverSentEvents(/** @type {ReadableStream<Uint8Array>} */ (res.body))) {
        if (event.event === 'order') onOrder(JSON.parse(event.data));
        else if (event.event === 'ready' && !live) {
          live = true;
          onLive?.();
        }
        if (event.id) lastEventId = event.id;
      }
    } catch {
      // The connection dropped (or the page was left): reopened below unless the page is gone.
    }
    if (!signal.aborted) await wait(REOPEN_MS);
  }
}
