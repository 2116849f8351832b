import { instanceName, ownSubjects, type CellDescriptor } from '@retail/descriptor';

export interface ComponentRef {
  cell: string;
  component: string;
}

/** One event subject: who publishes it and who consumes it. */
export interface EventFlow {
  subject: string;
  /** null when no cell declares it (a topology error the console makes visible). */
  publisher: ComponentRef | null;
  consumers: ComponentRef[];
}

/** One partition of a partitioned cell: a whole copy of the cell with its own stream and subjects. */
export interface PartitionView {
  name: string;
  stream: string;
  subjects: string;
}

export interface TopologyView {
  gateway: { name: string; summary: string; publicPaths: string[]; router: string };
  cells: {
    name: string;
    summary: string;
    /** `global`: one instance for every customer (a domain cell); `partitioned`: several, each serving some customers. */
    kind: 'global' | 'partitioned';
    /** Partitioned cells: the key customers are placed by, and every partition by name. */
    partitions: { key: string; members: PartitionView[] } | null;
    stream: string;
    /** The subjects it publishes on (a partition's: `orders.orders-1.>`). */
    subjects: string;
    components: {
      name: string;
      kind: 'core' | 'composite';
      summary: string;
      datastore: string | null;
      publishes: string[];
      consumes: string[];
      calls: string[];
    }[];
    /** As the public sees them, through gateway-global. */
    routes: { method: string; path: string; component: string; access: 'public' | 'token'; scopes: string[]; summary: string }[];
  }[];
  flows: EventFlow[];
}

/** The running cells grouped by descriptor: a global cell alone, a partitioned cell with all its partitions. */
function byDescriptor(running: readonly CellDescriptor[]): { cell: CellDescriptor; partitions: CellDescriptor[] }[] {
  const groups = new Map<string, { cell: CellDescriptor; partitions: CellDescriptor[] }>();
  for (const instance of running) {
    const group = groups.get(instance.name) ?? { cell: instance, partitions: [] };
    if (instance.partition) group.partitions.push(instance);
    groups.set(instance.name, group);
  }
  return [...groups.values()];
}

/**
 * What the console draws, derived from the cell descriptors only: one entry per cell, a partitioned cell
 * with each of its partitions by name (`running` holds every partition as a cell of its own, as
 * `systemCells` gives them). Ports and URLs are left out: they differ per deployment and say nothing
 * about the architecture.
 */
export function describeTopology(running: readonly CellDescriptor[], gatewayName = 'gateway-global'): TopologyView {
  const groups = byDescriptor(running);
  const cells = groups.map((g) => g.cell);
  return {
    gateway: {
      name: gatewayName,
      summary:
        'The only public entry: token service, routing of /api/<segment> to the cell that declares it, rate limits, storefront and console.',
      publicPaths: ['/api', '/auth/token', '/.well-known/jwks.json', '/console', '/'],
      router:
        'Cell router: a partitioned cell’s request goes to the partition that serves the caller (the token’s subject), by its copy of the placement map.',
    },
    cells: groups.map(({ cell, partitions }) => ({
      name: cell.name,
      summary: cell.summary,
      kind: partitions.length ? 'partitioned' : 'global',
      partitions: partitions.length
        ? {
            key: cell.partitions!.key,
            members: partitions.map((p) => ({ name: instanceName(p), stream: p.stream, subjects: ownSubjects(p) })),
          }
        : null,
      stream: partitions.length ? partitions.map((p) => p.stream).join(', ') : cell.stream,
      subjects: partitions.length ? `${cell.name}.<partition>.>` : ownSubjects(cell),
      components: cell.components.map((c) => ({
        name: c.name,
        kind: c.kind,
        summary: c.summary,
        datastore: c.datastore ?? null,
        publishes: [...(c.publishes ?? [])],
        consumes: (c.consumes ?? []).map((s) => s.subject),
        calls: [...(c.calls ?? [])],
      })),
      routes: cell.routes.map((r) => ({
        method: r.method,
        path: `/api${r.path}`,
        component: r.component,
        access: r.access,
        scopes: [...(r.scopes ?? [])],
        summary: r.summary,
      })),
    })),
    flows: eventFlows(cells),
  };
}

/** Every subject that is published or consumed, in descriptor order, with its publisher and consumers. */
export function eventFlows(cells: readonly CellDescriptor[]): EventFlow[] {
  const flows = new Map<string, EventFlow>();
  const flow = (subject: string) => {
    let found = flows.get(subject);
    if (!found) {
      found = { subject, publisher: null, consumers: [] };
      flows.set(subject, found);
    }
    return found;
  };
  for (const cell of cells) {
    for (const c of cell.components)
      for (const subject of c.publishes ?? []) flow(subject).publisher = { cell: cell.name, component: c.name };
  }
  for (const cell of cells) {
    for (const c of cell.components)
      for (const { subject } of c.consumes ?? []) flow(subject).consumers.push({ cell: cell.name, component: c.name });
  }
  return [...flows.values()];
}
