import { timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { internalScope } from '@retail/auth';
import { UnauthorizedError, type ServiceRequest } from '@retail/kernel';
import type { CellDescriptor } from '@retail/descriptor';
import type { InternalTokenMinter } from './internal-tokens.ts';

/**
 * The cell's own small token service for its workloads: a component of this cell presents its name and
 * the cell secret (HTTP Basic) and gets an internal token with scope `<cell>:internal`, which core
 * services require on the commands composites send them. Users never get this scope.
 */
export function workloadTokenRoute(app: Hono<ServiceRequest>, cell: CellDescriptor, cellSecret: string, minter: InternalTokenMinter): void {
  const components = new Set(cell.components.map((c) => c.name));
  const expected = Buffer.from(cellSecret);

  app.post('/internal/token', async (c) => {
    const match = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const [component, secret] = match ? Buffer.from(match[1]!, 'base64').toString().split(/:(.*)/s) : [];
    const given = Buffer.from(secret ?? '');
    const secretOk = given.length === expected.length && timingSafeEqual(given, expected);
    if (!component || !components.has(component) || !secretOk) {
      c.header('WWW-Authenticate', `Basic realm="${cell.name}-cell"`);
      throw new UnauthorizedError('Unknown component or wrong cell secret.');
    }
    const token = await minter.mint({ sub: `service:${cell.name}/${component}`, scopes: [internalScope(cell.name)] });
    c.header('Cache-Control', 'no-store');
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: minter.ttlSeconds });
  });
}
