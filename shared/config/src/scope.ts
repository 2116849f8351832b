import { isPartitionName, MAX_PARTITIONS, type CellDescriptor } from '@retail/descriptor';
import { cells, globalGateway } from '@retail/topology';

/**
 * Where a value is set, from the widest to the narrowest: `system`; a cell (`orders`); a partition
 * (`orders-2`); a component of either (`orders/checkout`, `orders-2/checkout`, `products/gateway`); one
 * running instance (`orders-2/checkout/p4123-9f3a`); and `gateway-global` (or one of its instances).
 */
export interface Scope {
  /** As written: `orders-2/checkout`. */
  text: string;
  level: 'system' | 'cell' | 'partition' | 'component' | 'instance';
  /** The descriptor's cell name (`orders` for `orders-2`), or `gateway-global`. */
  cell?: string;
  partition?: string;
  /** A component of the cell, `gateway`, or `gateway-global`. */
  component?: string;
  instance?: string;
}

export const SYSTEM_SCOPE = 'system';
const GLOBAL = globalGateway.name;
/** Instance ids (`p4123-9f3a`): no dots, as a dot separates a key's parts. */
const INSTANCE = /^[A-Za-z0-9_-]{1,64}$/;

const componentsOf = (cell: CellDescriptor) => [...cell.components.map((c) => c.name), 'gateway'];

/**
 * Parse and check a scope against the topology (`system`: the cells of @retail/topology). Throws with
 * what is wrong and what exists, so a typo is caught before anything is written.
 */
export function parseScope(text: string, system: readonly CellDescriptor[] = cells): Scope {
  if (text === SYSTEM_SCOPE) return { text, level: 'system' };
  const parts = text.split('/');
  const [head = '', component, instance, ...rest] = parts;
  if (rest.length || parts.some((p) => p === ''))
    throw new Error(
      `scope ${JSON.stringify(text)} has too many or empty parts; a scope is system, <cell>, <cell>/<component> or <cell>/<component>/<instance>`,
    );
  if (instance !== undefined && !INSTANCE.test(instance))
    throw new Error(`scope ${text}: ${JSON.stringify(instance)} is not an instance id (letters, digits, - and _, e.g. p4123-9f3a)`);

  if (head === GLOBAL) {
    if (instance !== undefined)
      throw new Error(`scope ${text}: gateway-global has no components; its scopes are gateway-global and gateway-global/<instance>`);
    if (component !== undefined && !INSTANCE.test(component))
      throw new Error(`scope ${text}: ${JSON.stringify(component)} is not an instance id of gateway-global`);
    return component === undefined
      ? { text, level: 'component', cell: GLOBAL, component: GLOBAL }
      : { text, level: 'instance', cell: GLOBAL, component: GLOBAL, instance: component };
  }

  const known = system.map((c) => c.name);
  let cell = system.find((c) => c.name === head);
  let partition: string | undefined;
  if (!cell && isPartitionName(head)) {
    const base = head.slice(0, head.lastIndexOf('-'));
    cell = system.find((c) => c.name === base);
    if (cell && !cell.partitions) throw new Error(`scope ${text}: the ${base} cell is not partitioned, so it has no partition ${head}`);
    partition = head;
  }
  if (!cell)
    throw new Error(
      `scope ${text}: ${JSON.stringify(head)} is not a cell; scopes start with system, gateway-global, a cell (${known.join(', ')}) or a partition (<cell>-1 … <cell>-${MAX_PARTITIONS})`,
    );
  if (component === undefined)
    return partition ? { text, level: 'partition', cell: cell.name, partition } : { text, level: 'cell', cell: cell.name };
  if (!componentsOf(cell).includes(component))
    throw new Error(
      `scope ${text}: the ${cell.name} cell has no component ${JSON.stringify(component)} (it has ${componentsOf(cell).join(', ')})`,
    );
  const where = { cell: cell.name, ...(partition ? { partition } : {}), component };
  if (instance === undefined) return { text, level: 'component', ...where };
  if (cell.partitions && !partition)
    throw new Error(
      `scope ${text}: an instance runs in one partition of the ${cell.name} cell; name it, e.g. ${cell.name}-1/${component}/${instance}`,
    );
  return { text, level: 'instance', ...where, instance };
}

/** The KV key of a setting at a scope: `orders-2/checkout` + `LOG_LEVEL` → `orders-2.checkout.LOG_LEVEL`. */
export const configKey = (scope: string, setting: string) => `${scope.replaceAll('/', '.')}.${setting}`;

/** A key read back: the last part is the setting, the rest the scope (`orders-2.checkout.LOG_LEVEL` → `orders-2/checkout`, `LOG_LEVEL`). */
export function parseConfigKey(key: string): { scope: string; setting: string } | undefined {
  const dot = key.lastIndexOf('.');
  if (dot <= 0 || dot === key.length - 1) return undefined;
  return { scope: key.slice(0, dot).replaceAll('.', '/'), setting: key.slice(dot + 1) };
}

/**
 * A running process, as the registry knows it: its cell (`orders`, or its partition `orders-2`, which
 * may also go in `partition`), its component (`checkout`, `gateway`), and its instance id. gateway-global
 * is `{ cell: 'gateway-global' }` (its registry cell, `edge`, is understood too).
 */
export interface ConfigTarget {
  cell: string;
  partition?: string;
  component?: string;
  instance?: string;
}

/** `orders-2` as a cell → `orders` with partition `orders-2`; gateway-global in one shape. */
function normalize(target: ConfigTarget): { cell: string; partition?: string; component?: string; instance?: string } {
  if (target.cell === GLOBAL || target.cell === 'edge' || target.component === GLOBAL) return { cell: GLOBAL, instance: target.instance };
  if (!target.partition && isPartitionName(target.cell) && !cells.some((c) => c.name === target.cell))
    return { ...target, cell: target.cell.slice(0, target.cell.lastIndexOf('-')), partition: target.cell };
  return target;
}

/** The process's path for `appliesTo`: `orders/checkout`, `products/gateway`, `gateway-global`. */
export function processPath(target: ConfigTarget): string {
  const t = normalize(target);
  return t.cell === GLOBAL ? GLOBAL : `${t.cell}/${t.component ?? '*'}`;
}

/**
 * The scopes that configure a process, widest first, so that the narrowest set one wins: system < cell <
 * partition < cell/component < partition/component < partition/component/instance.
 */
export function scopeChain(target: ConfigTarget): string[] {
  const { cell, partition, component, instance } = normalize(target);
  if (cell === GLOBAL) return [SYSTEM_SCOPE, GLOBAL, ...(instance ? [`${GLOBAL}/${instance}`] : [])];
  const chain = [SYSTEM_SCOPE, cell];
  if (partition) chain.push(partition);
  if (!component) return chain;
  chain.push(`${cell}/${component}`);
  if (partition) chain.push(`${partition}/${component}`);
  if (instance) chain.push(`${partition ?? cell}/${component}/${instance}`);
  return chain;
}

/** The processes (as paths) a scope configures: what `appliesTo` is checked against when a value is set there. */
export function processesWithin(scope: Scope, system: readonly CellDescriptor[] = cells): string[] {
  if (scope.level === 'system') return [GLOBAL, ...system.flatMap((c) => componentsOf(c).map((p) => `${c.name}/${p}`))];
  if (scope.cell === GLOBAL) return [GLOBAL];
  if (scope.component) return [`${scope.cell}/${scope.component}`];
  const cell = system.find((c) => c.name === scope.cell)!;
  return componentsOf(cell).map((p) => `${cell.name}/${p}`);
}
