import type { Context } from 'hono';
import { PreconditionRequiredError, ValidationError } from './errors.ts';

/**
 * Optimistic concurrency (RFC 9110 §8.8.3, §13.1.1). A resource with a version number answers its
 * reads with a strong `ETag` made from it; a change must send it back in `If-Match`, and is refused
 * with 412 when the resource has moved on since (428 when it names no version at all).
 */

/** The strong entity tag of a resource's version: `"v7"`. Every service that shows the resource makes it the same way. */
export const versionETag = (version: number): string => `"v${version}"`;

/** What `If-Match` allows: any current representation (`*`), or one of the listed strong entity tags. */
export type IfMatch = '*' | readonly string[];

const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/**
 * The request's `If-Match`, required: 428 (`if-match-required`) without one, 400 (`invalid-request`)
 * when it is not `*` or a list of entity tags. Weak tags are kept out: `If-Match` compares strongly,
 * so a weak tag never matches.
 */
export function requireIfMatch(c: Context): IfMatch {
  const header = c.req.header('if-match')?.trim();
  if (!header) throw new PreconditionRequiredError();
  if (header === '*') return '*';
  const tags = header.split(',').map((t) => t.trim());
  if (!tags.every((t) => ENTITY_TAG.test(t))) {
    throw new ValidationError([{ path: 'If-Match', message: 'Expected * or entity tags such as "v7"' }], 'If-Match is malformed.');
  }
  return tags.filter((t) => !t.startsWith('W/'));
}

/** Whether `If-Match` allows a change of the representation whose current ETag is `etag` (strong comparison). */
export const ifMatchAllows = (ifMatch: IfMatch, etag: string): boolean => ifMatch === '*' || ifMatch.includes(etag);
