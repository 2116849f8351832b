import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';

/**
 * The caller's IP. Behind a trusted proxy it is the last `X-Forwarded-For` entry, the one that proxy
 * appended for the peer it saw; every entry before it came from the client, who could pick a fresh
 * rate-limit bucket with each request. Without a trusted proxy the header is ignored.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const last = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  const bindings = c.env as Partial<HttpBindings> | undefined;
  return bindings?.incoming?.socket.remoteAddress ?? 'unknown';
}
