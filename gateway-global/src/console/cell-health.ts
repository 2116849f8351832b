import { fetch as undiciFetch } from 'undici';
import { z } from 'zod';
import { instanceName } from '@retail/descriptor';
import type { CellGatewayTarget } from '../edge/cell-routes.ts';
import type { RouterOverview } from '../router/placement-cache.ts';

export type Health = 'up' | 'down';

export interface CellHealthView {
  /** The running cell: a global cell's name, or a partition's (`orders-2`). */
  cell: string;
  /** The partitioned cell this is a partition of; null for a global cell. */
  partitionOf: string | null;
  /** `degraded`: the gateway answers but some component does not. */
  status: 'up' | 'degraded' | 'down';
  gateway: Health;
  components: Record<string, Health>;
}

export interface HealthReport {
  checkedAt: string;
  cells: CellHealthView[];
  /** The cell router, per partitioned cell: its copy of the placement map and the customers of each partition. */
  router: RouterOverview[];
}

/** What a cell gateway answers at `GET /health/cell` (shared/gateway). */
const cellHealthAnswer = z.object({ gateway: z.literal('up'), components: z.record(z.string(), z.enum(['up', 'down'])) });

/**
 * Ask every cell gateway how its cell is. gateway-global never reaches inside a cell (in compose the
 * cells are closed networks), so a gateway that does not answer in time means the whole cell is down.
 */
export async function probeCells(targets: readonly CellGatewayTarget[], timeoutMs: number): Promise<CellHealthView[]> {
  return Promise.all(
    targets.map(async ({ cell, url }): Promise<CellHealthView> => {
      const name = instanceName(cell);
      const partitionOf = cell.partition ? cell.name : null;
      const down: CellHealthView = {
        cell: name,
        partitionOf,
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
        return { cell: name, partitionOf, status: allUp ? 'up' : 'degraded', gateway: 'up', components };
      } catch {
        return down;
      }
    }),
  );
}
