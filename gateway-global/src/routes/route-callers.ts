import { routeCallers, type CellDescriptor, type RouteDescriptor } from '@retail/descriptor';

interface RouteMatcher {
  method: string;
  pattern: RegExp;
}

/** A route's Hono path as an anchored pattern: `:param` stands for one path segment. */
const patternOf = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);

const matcherOf = (route: RouteDescriptor): RouteMatcher => ({ method: route.method, pattern: patternOf(route.path) });

/** HEAD is answered by GET routes, as Hono does. */
const matches = (matchers: readonly RouteMatcher[] | undefined, method: string, path: string) => {
  const asked = method === 'HEAD' ? 'GET' : method;
  return matchers?.some((m) => m.method === asked && m.pattern.test(path)) ?? false;
};

/**
 * What gateway-global must know of a route beyond the cell it goes to: whether it is declared for other
 * cells only (gateway-global does not serve it) or public (a machine token there is harmless). Kept
 * per first path segment, so that the common request — a segment without cell routes, a person's
 * token — is checked against nothing.
 */
export interface RouteCallerRules {
  /** A route declared for other cells' client-credentials tokens: not served through gateway-global. */
  forCells(segment: string, method: string, path: string): boolean;
  /** A route anyone may call, where a machine token is as good as none. */
  isPublic(segment: string, method: string, path: string): boolean;
}

export function routeCallerRules(cells: readonly CellDescriptor[]): RouteCallerRules {
  const forCells = new Map<string, RouteMatcher[]>();
  const open = new Map<string, RouteMatcher[]>();
  const add = (table: Map<string, RouteMatcher[]>, route: RouteDescriptor) => {
    const segment = route.path.split('/')[1]!;
    table.set(segment, [...(table.get(segment) ?? []), matcherOf(route)]);
  };
  for (const route of cells.flatMap((cell) => cell.routes)) {
    if (routeCallers(route) === 'cell') add(forCells, route);
    else if (route.access === 'public') add(open, route);
  }
  return {
    forCells: (segment, method, path) => matches(forCells.get(segment), method, path),
    isPublic: (segment, method, path) => matches(open.get(segment), method, path),
  };
}
