import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

export interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

/**
 * Node's request and response when @hono/node-server serves the request; neither under `app.request()`
 * (tests). The server always binds both, so a test that binds a stand-in for one of them (a client address
 * on a fake `incoming`) still gets the `app.request()` path, rather than a body read from the stand-in.
 *
 * @example
 * const { incoming } = nodeBindings(c);
 * const length = incoming ? incoming.headers['content-length'] : c.req.header('content-length');
 */
export function nodeBindings(c: Context): NodeBindings {
  const bindings = c.env as NodeBindings | undefined;
  return bindings?.incoming && bindings.outgoing ? bindings : {};
}
