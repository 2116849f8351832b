import type { CellDescriptor } from '@retail/descriptor';

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

export interface TopologyView {
  gateway: { name: string; summary: string; publicPaths: string[] };
  cells: {
    name: string;
    summary: string;
    stream: string;
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

/**
 * What the console draws, derived from the cell descriptors only. Ports and URLs are left out: they
 * differ per deployment and say nothing about the architecture.
 */
export function describeTopology(cells: readonly CellDescriptor[], gatewayName = 'gateway-global'): TopologyView {
  return {
    gateway: {
      name: gatewayName,
      summary:
        'The only public entry: token service, routing of /api/<segment> to the cell that declares it, rate limits, storefront and console.',
      publicPaths: ['/api', '/auth/token', '/.well-known/jwks.json', '/console', '/'],
    },
    cells: cells.map((cell) => ({
      name: cell.name,
      summary: cell.summary,
      stream: cell.stream,
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
