import { createHttpClient } from '@retail/http-client';
import type { Logger } from '@retail/kernel';
import { assignmentSchema, placementMapSchema, type PartitionView } from './placement-map.ts';
import { placeByRule } from '@retail/placement-contract';

export interface PlacementCacheOptions {
  /** The placement cell's gateway, e.g. `http://127.0.0.1:4500`. */
  url: string;
  /** The router's bearer token there (scopes `placement:read placement:assign`). */
  token: () => Promise<string>;
  /** Per partitioned cell, the partitions the system runs: what the rule uses until the first map arrives. */
  partitions: Readonly<Record<string, readonly string[]>>;
  logger: Logger;
  /** Time between polls of the map; also how long a failed assignment waits before a request retries it. Default 1000. */
  refreshMs?: number;
  /** How long one call to the placement cell may take. Default 2000. */
  timeoutMs?: number;
  now?: () => number;
}

export interface PlacementCache {
  /**
   * The partition serving `customerId` in `cell`: the map's assignment, else the one the placement cell
   * answered when this router recorded it, else the rule over the partitions' states (recorded in the
   * background). Undefined when no partition takes new customers. Never waits on the control plane.
   */
  partitionOf(cell: string, customerId: string): string | undefined;
  /** The partitions of `cell` and their states: the map's, or the system's (all active) before the first map. */
  partitions(cell: string): readonly PartitionView[];
  /**
   * What the console shows of the router: the map's version (null before the first), whether the placement
   * cell answered the last poll, and each partition's state and how many customers it serves.
   */
  overview(cell: string): RouterOverview;
  /** Fetch the map now (If-None-Match); on failure keep the last one. The poll loop calls it every `refreshMs`. */
  refresh(): Promise<void>;
  /** Begin polling: the first fetch at once, then every `refreshMs`. */
  start(): void;
  close(): Promise<void>;
}

export interface RouterOverview {
  cell: string;
  version: number | null;
  controlPlane: 'reachable' | 'unreachable';
  partitions: (PartitionView & { customers: number })[];
}

interface CellPlacement {
  partitions: readonly PartitionView[];
  assignments: ReadonlyMap<string, string>;
}

const IN_FLIGHT = -1;

/**
 * The cell router's local copy of the placement map (README.md, "Two kinds of cells"). Every request is one lookup in
 * memory; the map is polled with its version as ETag (a 304 costs nothing), and while the control plane
 * is down or answers errors routing goes on with the last map it had (one warning per outage). A
 * customer the map does not know yet is placed by the rule at once and recorded with
 * `POST /placement/assignments` in the background, one call per customer at a time; the placement
 * cell's answer wins from then on, and a failed call is retried by a later request.
 *
 * @example
 * const placement = createPlacementCache({ url: env.placement.url, token, partitions: { orders: ['orders-1', 'orders-2'] }, logger });
 * placement.start();
 * placement.partitionOf('orders', 'user-alice'); // 'orders-2'
 */
export function createPlacementCache(options: PlacementCacheOptions): PlacementCache {
  const { logger, refreshMs = 1_000, now = Date.now } = options;
  const client = createHttpClient({
    baseUrl: options.url,
    name: 'the placement cell',
    timeoutMs: options.timeoutMs ?? 2_000,
    token: options.token,
  });
  const implied = new Map(
    Object.entries(options.partitions).map(([cell, names]) => [
      cell,
      { partitions: names.map((name): PartitionView => ({ name, state: 'active' })), assignments: new Map() } satisfies CellPlacement,
    ]),
  );
  const none: CellPlacement = { partitions: [], assignments: new Map() };
  let map: { version: number; cells: Map<string, CellPlacement> } | undefined;
  /** Assignments the placement cell answered that the map does not show yet: cell → customer → partition. */
  const answered = new Map<string, Map<string, string>>();
  /** cell/customer → IN_FLIGHT, or when a failed recording may be retried. */
  const recording = new Map<string, number>();
  let outage = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let started = false;
  let closed = false;

  const placementOf = (cell: string) => map?.cells.get(cell) ?? implied.get(cell) ?? none;

  const unreachable = (error: unknown) => {
    if (outage) return;
    outage = true;
    logger.warn(
      { err: error, version: map?.version },
      map
        ? `placement map unavailable: routing with the last map (version ${map.version}) until it is back`
        : 'placement map unavailable: routing new customers by the rule over all partitions until it is back',
    );
  };
  const reachable = () => {
    if (!outage) return;
    outage = false;
    logger.info({ version: map?.version }, 'placement map reachable again');
  };

  const adopt = (body: unknown) => {
    const fresh = placementMapSchema.parse(body);
    if (fresh.version === map?.version) return;
    const cells = new Map(
      fresh.cells.map(({ cell, partitions, assignments }) => [cell, { partitions, assignments: new Map(Object.entries(assignments)) }]),
    );
    // Answers the new map already holds are its to give (an operator may have moved the customer since).
    for (const [cell, customers] of answered) {
      const assignments = cells.get(cell)?.assignments;
      if (assignments) for (const customer of customers.keys()) if (assignments.has(customer)) customers.delete(customer);
    }
    map = { version: fresh.version, cells };
  };

  const fetchMap = async () => {
    try {
      const headers: Record<string, string> = map ? { 'if-none-match': `"${map.version}"` } : {};
      const res = await client.request('GET', '/placement/map', { headers });
      if (res.status !== 304) adopt(res.body);
      reachable();
    } catch (error) {
      unreachable(error);
    }
  };

  const record = async (cell: string, customerId: string, key: string) => {
    recording.set(key, IN_FLIGHT);
    try {
      const { body } = await client.request('POST', '/placement/assignments', { body: { cell, customerId } });
      const { partition } = assignmentSchema.parse(body);
      const customers = answered.get(cell) ?? new Map<string, string>();
      answered.set(cell, customers.set(customerId, partition));
      recording.delete(key);
    } catch (error) {
      recording.set(key, now() + refreshMs);
      logger.debug({ err: error, cell, customerId }, 'placement: recording an assignment failed; a later request retries it');
    }
  };

  const loop = async () => {
    await cache.refresh();
    if (!closed) timer = setTimeout(() => void loop(), refreshMs).unref();
  };

  const cache: PlacementCache = {
    partitionOf(cell, customerId) {
      const placed = placementOf(cell);
      const assigned = placed.assignments.get(customerId) ?? answered.get(cell)?.get(customerId);
      if (assigned) return assigned;
      const partition = placeByRule(customerId, placed.partitions);
      const key = `${cell}/${customerId}`;
      const pending = recording.get(key);
      if (partition && !closed && (pending === undefined || (pending !== IN_FLIGHT && now() >= pending)))
        void record(cell, customerId, key);
      return partition;
    },
    partitions: (cell) => placementOf(cell).partitions,
    overview(cell) {
      const placed = placementOf(cell);
      const customers = new Map<string, number>();
      const count = (partition: string) => customers.set(partition, (customers.get(partition) ?? 0) + 1);
      for (const partition of placed.assignments.values()) count(partition);
      for (const partition of answered.get(cell)?.values() ?? []) count(partition);
      return {
        cell,
        version: map?.version ?? null,
        controlPlane: outage ? 'unreachable' : 'reachable',
        partitions: placed.partitions.map((p) => ({ ...p, customers: customers.get(p.name) ?? 0 })),
      };
    },
    refresh() {
      polling ??= fetchMap().finally(() => (polling = undefined));
      return polling;
    },
    start() {
      if (started || closed) return;
      started = true;
      void loop();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await polling;
      await client.close();
    },
  };
  return cache;
}
