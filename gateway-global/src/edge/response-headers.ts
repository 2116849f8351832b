import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';

/**
 * On the fast path the forwarder writes the upstream's status and headers straight to the Node
 * response, bypassing Hono's response — so headers earlier middleware set (CORS, X-Request-Id) are
 * staged on the Node response first; Node merges them into `writeHead`, the upstream's taking precedence.
 */
export function stageResponseHeaders(c: Context): void {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  if (!outgoing || outgoing.headersSent) return;
  c.res.headers.forEach((value, key) => {
    if (key !== 'content-type' && key !== 'content-length') outgoing.setHeader(key, value);
  });
}
