import type { Context } from 'hono';
import { hasScopes, type Principal } from '@retail/auth';
import { NotFoundError, ServiceUnavailableError, UnauthorizedError, ValidationError } from '@retail/kernel';
import type { CellDescriptor } from '@retail/descriptor';
import type { Forwarder } from '@retail/gateway';
import type { Pool } from '@retail/http-client';
import { findOwner } from './owner-lookup.ts';
import type { PlacementCache } from './placement-cache.ts';

/** On every answer of a partitioned cell: the partition that gave it. An operator may also send it to pick one. */
export const PARTITION_HEADER = 'X-Cell-Partition';

/** A partition that cannot serve now: marked down, not reachable, or not known to this gateway. */
export class PartitionUnavailableError extends ServiceUnavailableError {
  readonly retryAfterSeconds: number;
  constructor(detail: string, retryAfterSeconds: number) {
    super(detail, 'partition-unavailable');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface CellRouterDeps {
  /** The partitioned cell (its descriptor): its name, and its routes that read one resource by id. */
  cell: CellDescriptor;
  /** Partition name → the origin of that partition's gateway. */
  partitions: ReadonlyMap<string, string>;
  /** Partition name → its gateway's instances (registry), balanced; a partition without one is reached at its origin. */
  pools?: ReadonlyMap<string, Pool>;
  placement: PlacementCache;
  forwarder: Forwarder;
  /** Operators (this scope) may read any customer's resources and name a partition. */
  operatorScope: string;
  /** Prepended to a path-only Location header (`/api`). */
  locationPrefix?: string;
  /** Retry-After of the router's own 503s. Default 5. */
  retryAfterSeconds?: number;
  /** How long an operator's lookup waits for each partition gateway. Default 2000. */
  lookupTimeoutMs?: number;
}

export interface CellRouter {
  /** Forward the request of `principal` to the partition that serves it; `path` is the path and query as the cell gateway sees them. */
  forward(c: Context, principal: Principal | undefined, path: string): Promise<Response>;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `GET /orders/:id` → a pattern for `/orders/<one segment>`: reads of one resource, which an operator may look for everywhere. */
function oneResourceReads(cell: CellDescriptor): RegExp[] {
  return cell.routes
    .filter((r) => r.method === 'GET' && /^\/[^/]+\/:[^/]+$/.test(r.path))
    .map((r) => new RegExp(`^/${escapeRegExp(r.path.split('/')[1]!)}/[^/]+$`));
}

const unavailable = (names: readonly string[], cell: string) =>
  names.length === 1
    ? `Partition ${names[0]} of the ${cell} cell is unavailable`
    : `Partitions ${names.join(', ')} of the ${cell} cell are unavailable`;

/**
 * The cell router of one partitioned cell (README.md, "Two kinds of cells"): thin, no body read, no business logic. The
 * token has been verified; its `sub` is the customer, whose partition the local placement map gives,
 * and the request goes on to that partition's gateway through the Forwarder, which checks the token
 * again. Every answer names the partition in `X-Cell-Partition`, including the router's own 503s.
 *
 * Operators (`operatorScope`) act on every customer's data, so their partition is not theirs to be
 * placed by:
 * - `X-Cell-Partition: orders-2` sends the request to that partition (an unknown name is a 400);
 * - a read of one resource (`GET /orders/:id`) goes to the partition that holds it. The router does not
 *   know which one (placement is per customer, and the id does not say whose it is), so it asks every
 *   partition gateway `HEAD /orders/:id` at once with the operator's own token and forwards to the one
 *   that answers 2xx: one extra round trip, on operators' reads only, instead of a second map of every
 *   order kept outside the cell that owns them. None has it: 404; one that may have it cannot answer: 503;
 * - anything else goes to the operator's own partition, as for any customer.
 */
export function createCellRouter(deps: CellRouterDeps): CellRouter {
  const { cell, partitions, placement, forwarder, operatorScope, locationPrefix, retryAfterSeconds = 5, lookupTimeoutMs = 2_000 } = deps;
  const name = cell.name;
  const lookups = oneResourceReads(cell);

  // On c.res itself (not only staged): Hono carries it onto whatever answer follows, the forwarded one
  // or the problem of a thrown error; the Forwarder's fast path copies it onto the Node response.
  const tag = (c: Context, value: string) => c.res.headers.set(PARTITION_HEADER, value);
  const stateOf = (partition: string) => placement.partitions(name).find((p) => p.name === partition)?.state;

  const send = (c: Context, partition: string, path: string) => {
    tag(c, partition);
    const origin = partitions.get(partition);
    if (!origin)
      throw new PartitionUnavailableError(
        `${unavailable([partition], name)}: this gateway does not know where it runs; try again shortly.`,
        retryAfterSeconds,
      );
    if (stateOf(partition) === 'down')
      throw new PartitionUnavailableError(`${unavailable([partition], name)} (marked down); try again shortly.`, retryAfterSeconds);
    return forwarder.forward(c, {
      origin,
      pool: deps.pools?.get(partition),
      path,
      headers: {},
      name: `Partition ${partition} of the ${name} cell`,
      locationPrefix,
    });
  };

  const named = (partition: string) => {
    if (partitions.has(partition)) return partition;
    const known = [...partitions.keys()].join(', ');
    throw new ValidationError(
      [{ path: PARTITION_HEADER, message: `one of ${known}` }],
      `The ${name} cell has no partition ${partition}; it has ${known}.`,
    );
  };

  const lookUp = async (c: Context, path: string) => {
    const down = [...partitions.keys()].filter((p) => stateOf(p) === 'down');
    const asked = [...partitions]
      .filter(([p]) => !down.includes(p))
      .map(([p, origin]) => ({ name: p, origin: deps.pools?.get(p)?.pick() ?? origin }));
    const { owner, answers } = await findOwner(asked, path, c.req.header('authorization')!, lookupTimeoutMs);
    if (owner) return send(c, owner, path);
    // The partition gateway's own refusal (401, 403) says more than any answer of ours.
    const refused = answers.find(({ status }) => status !== undefined && status >= 400 && status < 500 && status !== 404);
    if (refused) return send(c, refused.partition, path);
    const silent = [...down, ...answers.filter(({ status }) => status === undefined || status >= 500).map((a) => a.partition)];
    if (silent.length) {
      tag(c, silent.join(', '));
      throw new PartitionUnavailableError(
        `${unavailable(silent, name)}, and no other partition has ${c.req.path}; try again shortly.`,
        retryAfterSeconds,
      );
    }
    tag(c, asked.map((g) => g.name).join(', '));
    throw new NotFoundError(`No partition of the ${name} cell has ${c.req.path}.`);
  };

  return {
    async forward(c, principal, path) {
      if (!principal)
        throw new UnauthorizedError(`The ${name} cell serves each customer from their own partition: a bearer token is required.`);
      if (hasScopes(principal, [operatorScope])) {
        const header = c.req.header(PARTITION_HEADER);
        if (header !== undefined) return send(c, named(header.trim()), path);
        const method = c.req.method;
        const resource = path.split('?', 1)[0]!;
        if ((method === 'GET' || method === 'HEAD') && lookups.some((pattern) => pattern.test(resource))) return lookUp(c, path);
      }
      const partition = placement.partitionOf(name, principal.sub);
      if (!partition)
        throw new PartitionUnavailableError(
          `No partition of the ${name} cell takes new customers now; try again shortly.`,
          retryAfterSeconds,
        );
      return send(c, partition, path);
    },
  };
}
