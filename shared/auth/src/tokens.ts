import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  errors as joseErrors,
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { fetch as undiciFetch } from 'undici';
import { UnauthorizedError } from '@retail/kernel';
import type { KeyStore, SigningAlgorithm } from './keystore.ts';

export interface Principal {
  /** User id, or `client:<id>` for machine clients, or `anonymous`. */
  sub: string;
  scopes: string[];
  /** For users: their e-mail. */
  email?: string;
  /** The OAuth2 client the token was issued to. */
  clientId?: string;
}

export interface TokenRequest {
  principal: Principal;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export async function signToken(keys: KeyStore, request: TokenRequest): Promise<string> {
  const { kid, alg, key } = keys.current();
  const { principal } = request;
  return new SignJWT({ scope: principal.scopes.join(' '), email: principal.email, client_id: principal.clientId })
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setSubject(principal.sub)
    .setIssuer(request.issuer)
    .setAudience(request.audience)
    .setIssuedAt()
    .setExpirationTime(`${request.ttlSeconds}s`)
    .setJti(randomUUID())
    .sign(key);
}

export interface VerifierOptions {
  /** A JWKS URL (fetched and cached) or a key set in hand. */
  jwks: URL | JSONWebKeySet | (() => JSONWebKeySet);
  issuer: string;
  audience: string;
  algorithms: SigningAlgorithm[];
  /** How many verified tokens to remember until they expire. */
  cacheSize?: number;
}

const JWKS_COOLDOWN_MS = 1_000;

export type TokenVerifier = (token: string) => Promise<Principal>;

export function principalFromClaims(payload: JWTPayload): Principal {
  const scope = typeof payload.scope === 'string' ? payload.scope : '';
  return {
    sub: payload.sub ?? 'unknown',
    scopes: scope.split(' ').filter(Boolean),
    email: typeof payload.email === 'string' ? payload.email : undefined,
    clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
  };
}

/**
 * Verify a JWT with algorithm, issuer, audience and expiry pinned. Verified tokens are memoised until
 * they expire, so a hot client costs one map lookup per request.
 */
export function createVerifier(options: VerifierOptions): TokenVerifier {
  const { jwks, cacheSize = 10_000 } = options;
  const keySet =
    jwks instanceof URL
      ? // undici's fetch, which every process loads anyway: Node's built-in fetch is a second copy (~17 MB each).
        createRemoteJWKSet(jwks, {
          cooldownDuration: JWKS_COOLDOWN_MS,
          cacheMaxAge: 10 * 60_000,
          [customFetch]: undiciFetch as unknown as typeof fetch,
        })
      : typeof jwks === 'function'
        ? (...args: Parameters<ReturnType<typeof createLocalJWKSet>>) => createLocalJWKSet(jwks())(...args)
        : createLocalJWKSet(jwks);
  const cache = new Map<string, { principal: Principal; exp: number }>();

  return async (token) => {
    const now = Date.now() / 1000;
    const hit = cache.get(token);
    if (hit && hit.exp > now) return hit.principal;
    if (hit) cache.delete(token);
    const verifyOnce = () =>
      jwtVerify(token, keySet, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: options.algorithms,
        requiredClaims: ['exp', 'sub'],
      });
    let payload: JWTPayload;
    try {
      ({ payload } = await verifyOnce().catch(async (error: unknown) => {
        // A key id we have not seen: the issuer may just have rotated while our copy of its JWKS is
        // inside the refetch cooldown. Wait the cooldown out once and look again.
        if (!(jwks instanceof URL) || !(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
        await new Promise((r) => setTimeout(r, JWKS_COOLDOWN_MS));
        return verifyOnce();
      }));
    } catch {
      throw new UnauthorizedError('The bearer token is invalid or expired.');
    }
    const principal = principalFromClaims(payload);
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(token, { principal, exp: payload.exp! });
    return principal;
  };
}

export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  return match?.[1];
}
