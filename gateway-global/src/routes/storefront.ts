import { Hono } from 'hono';
import type { GatewayRequest } from '../gateway-request.ts';
import { sendFile, staticFiles } from './static-files.ts';

/** Paths that belong to the gateway itself; the storefront never answers for them, not even as a fallback. */
const RESERVED = ['/api', '/auth', '/.well-known', '/console', '/healthz', '/readyz'];

const isReserved = (path: string) => RESERVED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/**
 * The storefront's static files at `/`. Its pages have their own paths (`/orders/…`, `/product/…`), so
 * a browser navigation (Accept: text/html) to an unknown extension-less path gets the app shell, whose
 * router shows the page; a missing script, image or JSON stays a 404.
 */
export function storefrontRoutes(deps: { storefrontDir: string }): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const read = staticFiles(deps.storefrontDir);

  app.get('/*', async (c, next) => {
    const path = c.req.path;
    if (isReserved(path)) return next();
    const file = await read(path.endsWith('/') ? `${path}index.html` : path);
    if (file) return sendFile(c, file);
    // A page path has no dot in its last segment (`/orders/01H…`); `/x.js` or `/.env` is a file that is not there.
    const wantsPage = !(path.split('/').pop() ?? '').includes('.') && (c.req.header('accept') ?? '').includes('text/html');
    const shell = wantsPage ? await read('/index.html') : undefined;
    if (shell) return sendFile(c, shell);
    return next();
  });

  return app;
}
