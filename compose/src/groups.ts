import type { ProcessPlan } from './plan.ts';

/** Start order: a cell's services, then its gateway, then gateway-global; each batch in parallel. */
const START_PHASES: readonly (readonly ProcessPlan['kind'][])[] = [['core', 'composite'], ['cell-gateway'], ['global-gateway']];

/** Processes that are stopped and started together on purpose: one per running cell (each partition is one). */
export interface ProcessGroup {
  name: string;
  processes: ProcessPlan[];
}

/** Every cell of the plan as a group; gateway-global belongs to none, as it is not a cell. */
export function cellGroups(plans: readonly ProcessPlan[]): ProcessGroup[] {
  const names = [...new Set(plans.filter((p) => p.kind !== 'global-gateway').map((p) => p.cell))];
  return names.map((name) => ({ name, processes: plans.filter((p) => p.cell === name && p.kind !== 'global-gateway') }));
}

/**
 * The processes in batches of START_PHASES order (empty batches left out); in each phase the first
 * instance of every component before its further ones, which share what the first sets up (a gateway's
 * keys).
 */
export const inStartOrder = (plans: readonly ProcessPlan[]): ProcessPlan[][] =>
  START_PHASES.flatMap((kinds) => [
    plans.filter((p) => kinds.includes(p.kind) && p.instance === 1),
    plans.filter((p) => kinds.includes(p.kind) && p.instance > 1),
  ]).filter((batch) => batch.length > 0);
