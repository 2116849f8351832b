import { fetch as undiciFetch } from 'undici';
import type { Hono } from 'hono';
import type { ServiceRequest } from '@retail/kernel';
import type { CellDescriptor } from '@retail/descriptor';

export type ComponentHealth = 'up' | 'down';

export interface CellHealth {
  cell: string;
  gateway: 'up';
  components: Record<string, ComponentHealth>;
}

/**
 * `GET /health/cell`: the cell's health as seen from its own edge. Nothing outside a cell may reach its
 * components, so the operator console asks the gateway, which probes each component's `/readyz` with a
 * short timeout (a hung component counts as down rather than holding the answer up).
 */
export function cellHealthRoute(
  app: Hono<ServiceRequest>,
  cell: CellDescriptor,
  upstreams: Record<string, string>,
  timeoutMs = 1_000,
): void {
  const probe = async (origin: string): Promise<ComponentHealth> => {
    try {
      const res = await undiciFetch(`${origin}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      return res.ok ? 'up' : 'down';
    } catch {
      return 'down';
    }
  };

  app.get('/health/cell', async (c) => {
    const states = await Promise.all(
      cell.components.map(async (component) => [component.name, await probe(upstreams[component.name]!)] as const),
    );
    const body: CellHealth = { cell: cell.name, gateway: 'up', components: Object.fromEntries(states) };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });
}
