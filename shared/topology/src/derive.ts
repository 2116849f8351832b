import type { CellDescriptor, ComponentDescriptor } from './descriptor.ts';

/** `catalog` → `CATALOG_URL`: how a gateway is told where a component listens. */
export const componentUrlVar = (component: string) => `${component.replace(/-/g, '_').toUpperCase()}_URL`;
/** `products` → `PRODUCTS_GATEWAY_URL`: how gateway-global and other cells find a cell gateway. */
export const gatewayUrlVar = (cell: string) => `${cell.toUpperCase()}_GATEWAY_URL`;

export const localUrl = (port: number) => `http://127.0.0.1:${port}`;

export function component(cell: CellDescriptor, name: string): ComponentDescriptor {
  const found = cell.components.find((c) => c.name === name);
  if (!found) throw new Error(`cell ${cell.name} has no component ${name}`);
  return found;
}

/** The first path segments a cell serves, e.g. `products` for `/products/:sku`. Used by gateway-global. */
export function routePrefixes(cell: CellDescriptor): string[] {
  return [...new Set(cell.routes.map((r) => r.path.split('/')[1]!))];
}

/** Durable consumer name for a component: `<cell>-<component>`. */
export const durableName = (cell: CellDescriptor, componentName: string) => `${cell.name}-${componentName}`;
/** Dead-letter subject on the consuming cell's own stream. */
export const deadLetterSubject = (cell: CellDescriptor, componentName: string) => `${cell.name}.dlq.${componentName}`;
/** The consuming component's handled subjects grouped by stream. */
export function consumedByStream(c: ComponentDescriptor): Map<string, string[]> {
  const byStream = new Map<string, string[]>();
  for (const { stream, subject } of c.consumes ?? []) byStream.set(stream, [...(byStream.get(stream) ?? []), subject]);
  return byStream;
}

/** Where a cell gateway publishes the keys of the internal tokens it mints. */
export const internalJwksUrl = (gatewayUrl: string) => `${gatewayUrl}/.well-known/jwks.json`;
