import { fetch as undiciFetch } from 'undici';
import type { Hono } from 'hono';
import type { ServiceRequest } from '@retail/kernel';
import type { CellDescriptor } from '@retail/descriptor';
import type { Pool } from '@retail/http-client';

export type ComponentHealth = 'up' | 'down';

export interface CellHealth {
  cell: string;
  gateway: 'up';
  /** Up when at least one of its instances is ready. */
  components: Record<string, ComponentHealth>;
  /** How many of each component's instances answered ready, of how many it has. */
  instances: Record<string, { ready: number; of: number }>;
}

/**
 * `GET /health/cell`: the cell's health as seen from its own edge. Nothing outside a cell may reach its
 * components, so the operator console asks the gateway, which probes each component's `/readyz` with a
 * short timeout (a hung component counts as down rather than holding the answer up); with several
 * instances (`pools`), each of them.
 */
export function cellHealthRoute(
  app: Hono<ServiceRequest>,
  cell: CellDescriptor,
  upstreams: Record<string, string>,
  timeoutMs = 1_000,
  pools: Record<string, Pool> = {},
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
      cell.components.map(async (component) => {
        const pool = pools[component.name];
        const origins = pool ? pool.state().map((s) => s.origin) : [upstreams[component.name]!];
        const ready = (await Promise.all(origins.map(probe))).filter((h) => h === 'up').length;
        return [component.name, { ready, of: origins.length }] as const;
      }),
    );
    const body: CellHealth = {
      cell: cell.name,
      gateway: 'up',
      components: Object.fromEntries(states.map(([name, { ready }]) => [name, ready > 0 ? 'up' : 'down'])),
      instances: Object.fromEntries(states),
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });
}
