import { internalAudience, internalIssuer, signToken, type KeyStore, type Principal } from '@retail/auth';

export interface InternalTokenMinter {
  mint(principal: Principal): Promise<string>;
  ttlSeconds: number;
}

/** The lifetime of an internal token (and so how long a retired internal key stays published). */
export const INTERNAL_TOKEN_TTL_SECONDS = 60;
const REUSE_MARGIN_SECONDS = 20;

/**
 * Short-lived tokens for inside one cell, signed with the cell gateway's own key. One token per
 * principal is reused until shortly before it expires, so minting is off the hot path.
 */
export function createInternalTokenMinter(cell: string, keys: KeyStore, maxEntries = 10_000): InternalTokenMinter {
  const cache = new Map<string, { token: string; exp: number }>();
  return {
    ttlSeconds: INTERNAL_TOKEN_TTL_SECONDS,
    async mint(principal) {
      const key = `${principal.sub}|${principal.scopes.join(' ')}|${principal.email ?? ''}|${principal.clientId ?? ''}`;
      const now = Date.now() / 1000;
      const hit = cache.get(key);
      if (hit && hit.exp - REUSE_MARGIN_SECONDS > now) return hit.token;
      const token = await signToken(keys, {
        principal,
        issuer: internalIssuer(cell),
        audience: internalAudience(cell),
        ttlSeconds: INTERNAL_TOKEN_TTL_SECONDS,
      });
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(key, { token, exp: now + INTERNAL_TOKEN_TTL_SECONDS });
      return token;
    },
  };
}
