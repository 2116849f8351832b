import type { Hono } from 'hono';

interface Compiled {
  method: string;
  pattern: RegExp;
}

const cache = new WeakMap<object, { count: number; compiled: Compiled[] }>();

function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** The methods registered for a path (empty when the path is unknown), so 405 can be told from 404. */
export function methodNotAllowed(app: Hono<any>, method: string, path: string): string[] {
  let entry = cache.get(app);
  if (!entry || entry.count !== app.routes.length) {
    const compiled = app.routes
      .filter((r) => r.method !== 'ALL' && r.path !== '/*' && r.path !== '*')
      .map((r) => ({ method: r.method, pattern: compile(r.path) }));
    entry = { count: app.routes.length, compiled };
    cache.set(app, entry);
  }
  const methods = new Set(entry.compiled.filter((r) => r.pattern.test(path)).map((r) => r.method));
  if (methods.has(method)) return [];
  return [...methods].sort();
}
