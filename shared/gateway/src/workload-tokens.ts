import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { internalScope, workloadSubject } from '@retail/auth';
import { UnauthorizedError, type ServiceRequest } from '@retail/kernel';
import type { CellDescriptor } from '@retail/descriptor';
import type { InternalTokenMinter } from './internal-tokens.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The cell's own small token service for its workloads: a component of this cell presents its name and
 * its own workload credential (HTTP Basic) and gets an internal token with scope `<cell>:internal` whose
 * subject names it (`service:<cell>/<component>`). Core services require that scope on the commands
 * composites send them, and check the subject against who may send each; one component's credential
 * never yields another's token. Users never get this scope.
 */
export function workloadTokenRoute(
  app: Hono<ServiceRequest>,
  cell: CellDescriptor,
  /** Each component's own credential, by component name. */
  secrets: Readonly<Record<string, string>>,
  minter: InternalTokenMinter,
): void {
  const expected = new Map(cell.components.filter((c) => secrets[c.name]).map((c) => [c.name, digest(secrets[c.name]!)]));
  const nobody = digest('');

  app.post('/internal/token', async (c) => {
    const match = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const [component, secret] = match ? Buffer.from(match[1]!, 'base64').toString().split(/:(.*)/s) : [];
    const own = (component && expected.get(component)) || nobody;
    // Compared as digests, so that the time taken says nothing of the credential's length either.
    const secretOk = timingSafeEqual(digest(secret ?? ''), own) && own !== nobody;
    if (!component || !secretOk) {
      c.header('WWW-Authenticate', `Basic realm="${cell.name}-cell"`);
      throw new UnauthorizedError('Unknown component or wrong workload credential.');
    }
    const token = await minter.mint({ sub: workloadSubject(cell.name, component), scopes: [internalScope(cell.name)] });
    c.header('Cache-Control', 'no-store');
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: minter.ttlSeconds });
  });
}
