import type { CellDescriptor } from '@retail/descriptor';
import { ScaleRefused } from './control-server.ts';
import { MAX_INSTANCES, scaledComponents, type ProcessPlan } from './plan.ts';
import type { Supervisor } from './supervisor.ts';

export interface ScalerOptions {
  /** The plans of the running processes; instances are added to and removed from it. */
  live: ProcessPlan[];
  supervisor: Supervisor;
  /** The running system, to tell which components may run several times. */
  system: readonly CellDescriptor[];
  /** The plan of instance `instance` of the component planned as `component` (`orders-1/checkout`), on free ports. */
  planInstance: (component: string, instance: number) => Promise<ProcessPlan>;
}

/**
 * `npm run cells -- scale orders/checkout 3`: start instances up to the count (each registers itself,
 * and callers balance over it within a heartbeat), or stop the newest ones down to it (each deregisters
 * before it drains). A component that owns a datastore is refused, with why.
 */
export function createScaler(options: ScalerOptions): (target: string, count: number) => Promise<void> {
  const { live, supervisor } = options;
  return async (target, count) => {
    if (!Number.isInteger(count) || count < 1 || count > MAX_INSTANCES)
      throw new ScaleRefused(`${target} may run 1 to ${MAX_INSTANCES} instances, not ${count}`);
    let components: string[];
    try {
      components = scaledComponents(target, options.system);
    } catch (error) {
      throw new ScaleRefused((error as Error).message);
    }
    for (const component of components) {
      const current = live.filter((p) => p.name === component || p.name.startsWith(`${component}#`));
      if (!current.length) throw new ScaleRefused(`${component} does not run here (a cell developed alone runs only its own)`);
      for (let instance = current.length + 1; instance <= count; instance++) {
        const plan = await options.planInstance(component, instance);
        live.push(plan);
        await supervisor.start(plan);
      }
      for (const plan of current.filter((p) => p.instance > count).reverse()) {
        await supervisor.remove(plan.name);
        live.splice(live.indexOf(plan), 1);
      }
    }
  };
}
