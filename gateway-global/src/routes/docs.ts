import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { CellDescriptor } from '@retail/descriptor';
import { publicDocument } from '../docs/documents.ts';
import type { GatewayRequest } from '../gateway-request.ts';
import { sendFile, staticFiles } from './static-files.ts';

/** The reference page's own files, and the two it takes from the swagger-ui-dist package (served here: no CDN). */
const page = staticFiles(fileURLToPath(new URL('../docs/page/', import.meta.url)));
const swaggerUi = staticFiles(dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')));
const FROM_PACKAGE = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js']);

/** `GET /api/openapi.json`, the public OpenAPI document (built once), and `GET /api/docs`, a reference page over it. */
export function docsRoutes(deps: { cells: readonly CellDescriptor[] }): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const body = JSON.stringify(publicDocument(deps.cells));

  app.get('/api/openapi.json', (c) => c.body(body, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }));

  app.get('/api/docs', async (c) => sendFile(c, (await page('/index.html'))!));
  app.get('/api/docs/:file', async (c, next) => {
    const name = `/${c.req.param('file')}`;
    const file = FROM_PACKAGE.has(name) ? await swaggerUi(name) : await page(name);
    return file ? sendFile(c, file) : next();
  });
  return app;
}
