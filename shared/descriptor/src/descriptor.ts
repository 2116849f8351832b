import type { ZodType } from 'zod';
import { MAX_EVENT_AGE_DAYS } from './derive.ts';
import { MAX_PARTITIONS } from './partitions.ts';

/**
 * A cell declares itself once, in its contract package (`cells/<cell>/contract/src/cell.ts`). Routing
 * tables, the local runner, compose, NATS permissions and diagrams are derived from these values.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDescriptor {
  method: HttpMethod;
  /** Path on the cell gateway, Hono syntax, e.g. `/products/:sku`. Public through gateway-global as `/api` + path. */
  path: string;
  /** The component that serves it. */
  component: string;
  /** `public`: no token needed; `token`: any valid token with `scopes`. */
  access: 'public' | 'token';
  scopes?: readonly string[];
  /**
   * Who may call it (default `user`). `user`: people, through gateway-global; a machine
   * (client-credentials) token is refused. `cell`: only other cells' client-credentials tokens, at this
   * cell's gateway; gateway-global does not route it at all.
   */
  callers?: RouteCallers;
  /** The largest body the gateway forwards on this route, when it is not its default (64 KiB). */
  maxBodyBytes?: number;
  /**
   * A stream held open (server-sent events): the gateways pass it through as it comes and end it when the
   * caller's token expires, so a connection never outlives the token it was opened with.
   */
  stream?: true;
  summary: string;
  /** What it takes and answers: the OpenAPI documents are generated from it (shared/contracts); every route of the system has one (shared/topology checks). */
  contract?: RouteContract;
}

/**
 * A route's contract, in the zod schemas its service validates with and answers from. The problems every
 * route may answer (400 for bad input, 401/403 for a token, 429, 5xx) are documented without listing them.
 */
export interface RouteContract {
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** Request headers it reads, by name. */
  headers?: Readonly<Record<string, RouteHeader>>;
  /** The body's media type when it is not JSON (a form). */
  bodyMediaType?: string;
  /** Each answer by status: its JSON body's schema, `null` for none. */
  responses: Readonly<Record<number, ZodType | null>>;
  /** The answers' media type when it is not JSON (an HTML page, an event stream). */
  responseMediaType?: string;
  /** Response headers it sets, by name and the statuses that carry them. */
  responseHeaders?: Readonly<Record<string, { description: string; statuses: readonly number[] }>>;
  /** The problems particular to it (404 when a thing is missing, 409, 422…). */
  problems?: readonly number[];
}

export interface RouteHeader {
  description: string;
  required?: boolean;
  schema?: ZodType;
}

export type RouteCallers = 'user' | 'cell';

export interface ComponentDescriptor {
  name: string;
  kind: 'core' | 'composite';
  /** Default local port; every process can be moved with PORT. */
  port: number;
  /** Its own SQLite datastore, if it has state. */
  datastore?: string;
  /** Event subjects this component publishes (through its outbox). */
  publishes?: readonly string[];
  /** Event subjects this component consumes, with the stream that holds them. */
  consumes?: readonly { stream: string; subject: string }[];
  /** Other cells it calls synchronously (through their gateways). */
  calls?: readonly string[];
  /**
   * Of `publishes`, the subjects about something a partition of another cell owns (an order): each event
   * goes to that partition alone, as `<cell>.<partition>.<rest>` (partitions.ts, `addressed`).
   */
  addressed?: readonly string[];
  summary: string;
}

export interface CellDescriptor {
  name: string;
  summary: string;
  /** JetStream stream owned by the cell; holds every subject `<name>.>`. */
  stream: string;
  gateway: { port: number };
  components: readonly ComponentDescriptor[];
  routes: readonly RouteDescriptor[];
  /** Scopes the token service grants this cell's client-credentials client, for the calls it makes to other cells. */
  clientScopes?: readonly string[];
  /** How long and how much the cell's stream keeps; defaults in derive.ts (`streamLimits`). */
  retention?: StreamRetention;
  /**
   * A partitioned cell (README.md, "Two kinds of cells"): it runs as `count` complete, independent copies, each serving the
   * customers placement gives it (`<cell>-1`, `<cell>-2`, …), behind gateway-global's cell router.
   * `count` is the default; `<CELL>_PARTITIONS` raises it (partitions.ts). The first partition listens on
   * the cell's own ports; partition n ≥ 2 on `ports` + 10·(n−2) for its gateway, its components at the
   * same offsets from it as the cell's (without `ports`: the cell's own ports + 10·(n−1)).
   */
  partitions?: { key: 'customer'; count: number; ports?: number };
  /** Set only on one partition of a partitioned cell (see `partitionOf`): its name, e.g. `orders-2`. */
  partition?: string;
  /**
   * The payload (the CloudEvent's `data`) of every subject the cell publishes, as zod schemas: consumers
   * parse with them, and the AsyncAPI document is generated from them (shared/contracts). Once given, every
   * subject it publishes must be in it; every cell of the system gives it (shared/topology checks).
   */
  events?: Readonly<Record<string, ZodType>>;
  /**
   * The contract package's schema modules (`import * as schemas from './schemas.ts'`): the generated
   * documents name a schema by its export (`productPageSchema` → `ProductPage`) instead of inlining it.
   */
  schemas?: Readonly<Record<string, unknown>>;
}

/**
 * The limits of a cell's stream. The oldest events are dropped past either, whether or not every
 * consumer has read them: a consumer down for longer than `maxAgeDays` misses what it did not read.
 */
export interface StreamRetention {
  /** At most MAX_EVENT_AGE_DAYS (derive.ts): the inboxes that deduplicate events rely on it. */
  maxAgeDays?: number;
  maxBytes?: number;
}

export function defineCell<const C extends CellDescriptor>(cell: C): C {
  validateCell(cell);
  return cell;
}

function validateCell(cell: CellDescriptor): void {
  const { maxAgeDays, maxBytes } = cell.retention ?? {};
  if (maxAgeDays !== undefined && !(maxAgeDays > 0 && maxAgeDays <= MAX_EVENT_AGE_DAYS)) {
    throw new Error(
      `${cell.name}: retention.maxAgeDays must be above 0 and at most ${MAX_EVENT_AGE_DAYS} (inboxes remember event ids only a day longer), not ${maxAgeDays}`,
    );
  }
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes > 0))
    throw new Error(`${cell.name}: retention.maxBytes must be a positive whole number, not ${maxBytes}`);
  const names = new Set(cell.components.map((c) => c.name));
  for (const route of cell.routes) {
    if (!names.has(route.component))
      throw new Error(`${cell.name}: route ${route.method} ${route.path} targets unknown component ${route.component}`);
    if (route.callers === 'cell' && !(route.access === 'token' && route.scopes?.length))
      throw new Error(`${cell.name}: route ${route.method} ${route.path} is for cells, so it needs access 'token' and a scope`);
  }
  if (
    cell.partitions &&
    !(Number.isInteger(cell.partitions.count) && cell.partitions.count >= 1 && cell.partitions.count <= MAX_PARTITIONS)
  )
    throw new Error(`${cell.name}: partitions.count must be a whole number from 1 to ${MAX_PARTITIONS}, not ${cell.partitions.count}`);
  for (const component of cell.components) {
    for (const subject of component.addressed ?? []) {
      if (!component.publishes?.includes(subject))
        throw new Error(`${cell.name}.${component.name} addresses ${subject} to partitions but does not publish it`);
    }
    for (const subject of component.publishes ?? []) {
      if (!subject.startsWith(`${cell.name}.`))
        throw new Error(`${cell.name}.${component.name} may publish only on ${cell.name}.>, not ${subject}`);
      if (cell.events && !cell.events[subject])
        throw new Error(`${cell.name}.${component.name} publishes ${subject} without a schema in events`);
    }
  }
}
