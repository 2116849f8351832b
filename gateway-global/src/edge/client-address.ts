import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';

/**
 * The caller's IP. `X-Forwarded-For` is believed only behind a trusted proxy, and only its first
 * entry (the original client); otherwise anyone could pick their own rate-limit bucket.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const first = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (first) return first;
  }
  const bindings = c.env as Partial<HttpBindings> | undefined;
  return bindings?.incoming?.socket.remoteAddress ?? 'unknown';
}
