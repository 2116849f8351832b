import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal requests serialise equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What tells a replay (same Idempotency-Key, same request) from a different request under a reused key:
 * the SHA-256 of the request's canonical JSON, so key order and absent members make no difference.
 */
export const requestHash = (request: unknown) => createHash('sha256').update(canonicalJson(request)).digest('hex');
