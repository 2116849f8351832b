import { signAccessToken, type KeyStore } from '@retail/auth';
import { clientSubject } from '../oauth/machine-clients.ts';

/** The cell router's client id at the placement cell, as a cell's is its own name. */
export const ROUTER_CLIENT_ID = 'gateway-global';
export const ROUTER_SCOPES = ['placement:read', 'placement:assign'] as const;

export interface RouterTokenOptions {
  /** The token service's own signing keys: gateway-global issues its token to itself, with no round trip. */
  keys: KeyStore;
  issuer: string;
  ttlSeconds: number;
  now?: () => number;
}

/**
 * The cell router's bearer token for the placement cell: a client-credentials token as the token
 * endpoint would issue it (`sub` client:gateway-global, `client_id`, the placement scopes), signed
 * here and renewed once 70 % of its lifetime has passed, as other cells' cached tokens are.
 *
 * @example
 * const token = routerToken({ keys, issuer: env.issuer, ttlSeconds: env.tokenTtlSeconds });
 * createHttpClient({ baseUrl: env.placement.url, name: 'the placement cell', token });
 */
export function routerToken(options: RouterTokenOptions): () => Promise<string> {
  const { now = Date.now } = options;
  let cached: { token: string; renewAt: number } | undefined;
  let signing: Promise<string> | undefined;

  const sign = async () => {
    const token = await signAccessToken(options.keys, {
      principal: { sub: clientSubject(ROUTER_CLIENT_ID), clientId: ROUTER_CLIENT_ID, scopes: [...ROUTER_SCOPES] },
      issuer: options.issuer,
      ttlSeconds: options.ttlSeconds,
    });
    cached = { token, renewAt: now() + options.ttlSeconds * 1000 * 0.7 };
    return token;
  };

  return async () => {
    if (cached && now() < cached.renewAt) return cached.token;
    signing ??= sign().finally(() => (signing = undefined));
    return signing;
  };
}
