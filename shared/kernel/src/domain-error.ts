/**
 * How a domain rule refuses a command, in the domain's own words:
 * - `not-found`: there is no such thing (or none the caller may see);
 * - `conflict`: the thing exists but its current state does not allow the command;
 * - `unprocessable`: the request contradicts one made earlier (an Idempotency-Key reused for another body).
 */
export type Refusal = 'not-found' | 'conflict' | 'unprocessable';

/**
 * The base of every domain error. Domain modules (aggregates, projections) throw subclasses named
 * after the rule they enforce and know nothing of HTTP; `toProblem` maps a refusal to its status in
 * one place. `facts` travel to the client as problem extensions (e.g. the order's current status).
 *
 * @example
 * export class ProductNotFoundError extends DomainError {
 *   constructor(sku: string) {
 *     super('not-found', `No product with SKU ${sku}.`);
 *   }
 * }
 */
export class DomainError extends Error {
  readonly refusal: Refusal;
  readonly facts: Record<string, unknown>;

  constructor(refusal: Refusal, detail: string, facts: Record<string, unknown> = {}) {
    super(detail);
    this.name = new.target.name;
    this.refusal = refusal;
    this.facts = facts;
  }
}
