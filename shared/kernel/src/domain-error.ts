import { assertKindStatus, type ProblemKind } from './problem-types.ts';

/**
 * How a domain rule refuses a command, in the domain's own words:
 * - `not-found`: there is no such thing (or none the caller may see);
 * - `conflict`: the thing exists but its current state does not allow the command;
 * - `unprocessable`: the request contradicts one made earlier (an Idempotency-Key reused for another body);
 * - `gone`: the thing was here and is not any more, for good (an order that moved to another partition);
 * - `stale`: the command was made against a version of the thing that is not the current one any more
 *   (a change whose `If-Match` names an earlier version).
 */
export type Refusal = 'not-found' | 'conflict' | 'unprocessable' | 'gone' | 'stale';

/** The one status of each refusal. */
export const REFUSAL_STATUS: Record<Refusal, number> = { 'not-found': 404, conflict: 409, unprocessable: 422, gone: 410, stale: 412 };

/**
 * The base of every domain error. Domain modules (aggregates, projections) throw subclasses named
 * after the rule they enforce and know nothing of HTTP; `toProblem` maps a refusal to its status in
 * one place. `facts` travel to the client as problem extensions (e.g. the order's current status).
 * A `kind` (`problemTypes`) names a problem a client can tell apart from others of its status; its
 * status must be the refusal's.
 *
 * @example
 * export class DuplicateSkuError extends DomainError {
 *   constructor(sku: string) {
 *     super('conflict', `A product with SKU ${sku} already exists.`, {}, 'duplicate-sku');
 *   }
 * }
 */
export class DomainError extends Error {
  readonly refusal: Refusal;
  readonly facts: Record<string, unknown>;
  readonly kind: ProblemKind | undefined;

  constructor(refusal: Refusal, detail: string, facts: Record<string, unknown> = {}, kind?: ProblemKind) {
    assertKindStatus(kind, REFUSAL_STATUS[refusal]);
    super(detail);
    this.name = new.target.name;
    this.refusal = refusal;
    this.facts = facts;
    this.kind = kind;
  }
}
