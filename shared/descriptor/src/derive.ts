import type { CellDescriptor, ComponentDescriptor, RouteCallers, RouteDescriptor } from './descriptor.ts';

/** `catalog` → `CATALOG_URL`: how a gateway is told where a component listens. */
export const componentUrlVar = (component: string) => `${component.replace(/-/g, '_').toUpperCase()}_URL`;
/** `checkout` → `WORKLOAD_SECRET_CHECKOUT`: how a cell gateway is told each component's own workload credential. */
export const workloadSecretVar = (component: string) => `WORKLOAD_SECRET_${component.replace(/-/g, '_').toUpperCase()}`;
/** The development workload credential of a component (its `WORKLOAD_SECRET`); a deployment sets its own. */
export const devWorkloadSecret = (cell: string, component: string) => `${cell}-${component}-workload-dev`;
/** `products` → `CLIENT_SECRET_PRODUCTS`: the secret of a cell's client-credentials client at the token service. */
export const clientSecretVar = (cell: string) => `CLIENT_SECRET_${cell.replace(/-/g, '_').toUpperCase()}`;
/** A cell's client secret in development; a deployment sets its own. */
export const devClientSecret = (cell: string) => `${cell}-dev-secret`;
/** `products` → `PRODUCTS_GATEWAY_URL`: how gateway-global and other cells find a cell gateway. */
export const gatewayUrlVar = (cell: string) => `${cell.replace(/-/g, '_').toUpperCase()}_GATEWAY_URL`;

export const localUrl = (port: number) => `http://127.0.0.1:${port}`;

export function component(cell: CellDescriptor, name: string): ComponentDescriptor {
  const found = cell.components.find((c) => c.name === name);
  if (!found) throw new Error(`cell ${cell.name} has no component ${name}`);
  return found;
}

/** Who may call a route: `user` unless the descriptor says `cell`. */
export const routeCallers = (route: RouteDescriptor): RouteCallers => route.callers ?? 'user';

/** The routes gateway-global serves publicly (as `/api` + path): every route but those for cells. */
export const publicRoutes = (cell: CellDescriptor): RouteDescriptor[] => cell.routes.filter((r) => routeCallers(r) === 'user');

/** The first path segments a cell serves through gateway-global, e.g. `products` for `/products/:sku`. */
export function routePrefixes(cell: CellDescriptor): string[] {
  return [...new Set(publicRoutes(cell).map((r) => r.path.split('/')[1]!))];
}

/** Durable consumer name for a component: `<cell>-<component>` (`orders-2-checkout` in a partition). */
export const durableName = (cell: CellDescriptor, componentName: string) => `${cell.partition ?? cell.name}-${componentName}`;
/** Dead-letter subject on the consuming cell's own stream (`orders.orders-2.dlq.checkout` in a partition). */
export const deadLetterSubject = (cell: CellDescriptor, componentName: string) =>
  cell.partition ? `${cell.name}.${cell.partition}.dlq.${componentName}` : `${cell.name}.dlq.${componentName}`;
/** The consuming component's handled subjects grouped by stream. */
export function consumedByStream(c: ComponentDescriptor): Map<string, string[]> {
  const byStream = new Map<string, string[]>();
  for (const { stream, subject } of c.consumes ?? []) byStream.set(stream, [...(byStream.get(stream) ?? []), subject]);
  return byStream;
}

/** Where a cell gateway publishes the keys of the internal tokens it mints. */
export const internalJwksUrl = (gatewayUrl: string) => `${gatewayUrl}/.well-known/jwks.json`;

/**
 * The longest any stream may keep an event, in days; also what a cell's stream keeps unless its
 * descriptor says less. Every inbox keeps event ids a little longer than this (`inboxRetentionMs`),
 * which is why no descriptor may ask for more: raise it here, and the inboxes follow.
 */
export const MAX_EVENT_AGE_DAYS = 7;
/**
 * What a cell's stream may hold unless its descriptor says otherwise: 256 MiB, about a quarter of a
 * million events of this system's size — days of a busy demo. nats-server reserves a stream's max bytes
 * in its store up front and refuses a stream that does not fit ("insufficient storage resources"; its
 * store defaults to 75% of the free disk), so this stays small enough for every stream of the system
 * to fit on a laptop or CI machine.
 */
export const DEFAULT_STREAM_MAX_BYTES = 256 * 1024 ** 2;

const DAY_MS = 24 * 60 * 60_000;

/** The limits of a stream whose descriptor says nothing of them. */
export const DEFAULT_STREAM_LIMITS = { maxAgeMs: MAX_EVENT_AGE_DAYS * DAY_MS, maxBytes: DEFAULT_STREAM_MAX_BYTES } as const;

/** The limits a cell's stream is created (and kept) with, from its descriptor or the defaults. */
export function streamLimits(cell: CellDescriptor): { maxAgeMs: number; maxBytes: number } {
  const { maxAgeDays, maxBytes } = cell.retention ?? {};
  return {
    maxAgeMs: maxAgeDays === undefined ? DEFAULT_STREAM_LIMITS.maxAgeMs : maxAgeDays * DAY_MS,
    maxBytes: maxBytes ?? DEFAULT_STREAM_LIMITS.maxBytes,
  };
}

/**
 * How long an inbox keeps the ids of the events (and commands' Idempotency-Keys) it has applied: the
 * longest any stream keeps an event, plus a day.
 *
 * An inbox row is what makes a second delivery of an event harmless, so it must outlive every possible
 * second delivery. JetStream's duplicate window (2 min) is no guide: it only drops re-*publishes*. A
 * consumer redelivers an unacked message after its ack wait, and a consumer that was down picks up
 * where it stopped, days later — but only while the message is in the stream, and a stream with limits
 * retention deletes a message at its max age whatever its consumers have done (max bytes only deletes
 * sooner). A message is stored before it is delivered, so its inbox row is never older than it; a row
 * kept for the longest max age is kept as long as any delivery of its event can come. Commands'
 * Idempotency-Keys are ids of events on *other* cells' streams, hence the longest age of any stream,
 * not the cell's own. The extra day covers a delivery already being handled when its message expired
 * (ack wait, nak back-off, HTTP retries) and clocks of the NATS host and the service host that disagree.
 *
 * What it cannot cover: an outbox row published again after its producer was down for longer than this
 * (it crashed between the PubAck and marking the row sent) is a new message with an old id. The
 * aggregates' own rules (one reservation and one shipment per order, the state machines) still refuse
 * most such repeats.
 */
export const inboxRetentionMs = (MAX_EVENT_AGE_DAYS + 1) * DAY_MS;
