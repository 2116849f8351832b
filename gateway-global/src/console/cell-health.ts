import { fetch as undiciFetch } from 'undici';
import { z } from 'zod';
import type { CellGatewayTarget } from '../edge/cell-routes.ts';

export type Health = 'up' | 'down';

export interface CellHealthView {
  cell: string;
  /** `degraded`: the gateway answers but some component does not. */
  status: 'up' | 'degraded' | 'down';
  gateway: Health;
  components: Record<string, Health>;
}

export interface HealthReport {
  checkedAt: string;
  cells: CellHealthView[];
}

/** What a cell gateway answers at `GET /health/cell` (shared/gateway). */
const cellHealthAnswer = z.object({ gateway: z.literal('up'), components: z.record(z.string(), z.enum(['up', 'down'])) });

/**
 * Ask every cell gateway how its cell is. gateway-global never reaches inside a cell (in compose the
 * cells are closed networks), so a gateway that does not answer in time means the whole cell is down.
 */
export async function probeCells(targets: readonly CellGatewayTarget[], timeoutMs: number): Promise<HealthReport> {
  const cells = await Promise.all(
    targets.map(async ({ cell, url }): Promise<CellHealthView> => {
      const down: CellHealthView = {
        cell: cell.name,
        status: 'down',
        gateway: 'down',
        components: Object.fromEntries(cell.components.map((c) => [c.name, 'down'])),
      };
      try {
        const res = await undiciFetch(new URL('/health/cell', url), { signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) {
          await res.body?.cancel();
          return down;
        }
        const answer = cellHealthAnswer.safeParse(await res.json());
        if (!answer.success) return down;
        // The descriptor says which components there are; one the gateway did not report counts as down.
        const components = Object.fromEntries(cell.components.map((c) => [c.name, answer.data.components[c.name] ?? 'down'])) as Record<
          string,
          Health
        >;
        const allUp = Object.values(components).every((h) => h === 'up');
        return { cell: cell.name, status: allUp ? 'up' : 'degraded', gateway: 'up', components };
      } catch {
        return down;
      }
    }),
  );
  return { checkedAt: new Date().toISOString(), cells };
}
