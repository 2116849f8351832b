import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  createLocalJWKSet,
  decodeJwt,
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { fetch as undiciFetch } from 'undici';
import { ServiceUnavailableError, UnauthorizedError } from '@retail/kernel';
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
  /** The JWT header's `typ`: `JWT` unless given (access tokens: `ACCESS_TOKEN_TYPE`). */
  type?: string;
}

/** Audience of the tokens gateway-global's token service issues to users and machine clients. */
export const API_AUDIENCE = 'retail-api';

/** RFC 9068: the `typ` of an access token's JWT header, which verifiers of access tokens require. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export async function signToken(keys: KeyStore, request: TokenRequest): Promise<string> {
  const { kid, alg, key } = keys.current();
  const { principal } = request;
  return new SignJWT({ scope: principal.scopes.join(' '), email: principal.email, client_id: principal.clientId })
    .setProtectedHeader({ alg, kid, typ: request.type ?? 'JWT' })
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
  /** The JWT header's `typ` a token must have (e.g. `ACCESS_TOKEN_TYPE`); any when left out. */
  type?: string;
  /** How many verified tokens to remember until they expire. */
  cacheSize?: number;
}

/** A key id we have not seen refetches the JWKS at most once per this interval; other such tokens are refused at once. */
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
 * they expire, so a hot client costs one map lookup per request, but only while their signing key is
 * still in the key set the verifier knows: a key dropped from the JWKS takes its tokens with it.
 */
export function createVerifier(options: VerifierOptions): TokenVerifier {
  const { jwks, cacheSize = 10_000 } = options;
  const keys = keyResolver(jwks);
  const cache = new Map<string, { principal: Principal; exp: number; kid: string | undefined }>();

  return async (token) => {
    const now = Date.now() / 1000;
    const hit = cache.get(token);
    if (hit && hit.exp > now && keys.knows(hit.kid)) return hit.principal;
    if (hit) cache.delete(token);
    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      // An unknown key id refetches a remote JWKS only outside its cooldown (jose's own rule), so a flood
      // of tokens with made-up key ids costs one fetch a second and is answered at once.
      verified = await jwtVerify(token, keys.resolve, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: options.algorithms,
        typ: options.type,
        requiredClaims: ['exp', 'sub'],
      });
    } catch (error) {
      // The issuer's key set out of reach says nothing about the token: try again, not "sign in again".
      if (error instanceof ServiceUnavailableError) throw error;
      throw new UnauthorizedError('The bearer token is invalid or expired.');
    }
    const principal = principalFromClaims(verified.payload);
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(token, { principal, exp: verified.payload.exp!, kid: verified.protectedHeader.kid });
    return principal;
  };
}

interface KeyResolver {
  resolve: (...args: Parameters<ReturnType<typeof createLocalJWKSet>>) => ReturnType<ReturnType<typeof createLocalJWKSet>>;
  /** Whether the key set the verifier currently holds still has this key. */
  knows(kid: string | undefined): boolean;
}

function keyResolver(jwks: VerifierOptions['jwks']): KeyResolver {
  if (typeof jwks === 'function') {
    return {
      resolve: (...args) => createLocalJWKSet(jwks())(...args),
      knows: (kid) => jwks().keys.some((k) => k.kid === kid),
    };
  }
  if (!(jwks instanceof URL)) {
    const kids = new Set(jwks.keys.map((k) => k.kid));
    return { resolve: createLocalJWKSet(jwks), knows: (kid) => kids.has(kid) };
  }
  // undici's fetch, which every process loads anyway: Node's built-in fetch is a second copy (~17 MB each).
  const remote = createRemoteJWKSet(jwks, {
    cooldownDuration: JWKS_COOLDOWN_MS,
    cacheMaxAge: 10 * 60_000,
    [customFetch]: undiciFetch as unknown as typeof fetch,
  });
  // jwks() hands out a copy, so the key ids are read from it at most once per cooldown.
  let kids = new Set<string | undefined>();
  let kidsReadAt = Number.NEGATIVE_INFINITY;
  return {
    async resolve(...args) {
      try {
        return await remote(...args);
      } catch (error) {
        if (keySetUnreachable(error)) throw new ServiceUnavailableError("The token issuer's key set cannot be fetched; try again shortly.");
        throw error;
      }
    },
    knows(kid) {
      // Cache hits never ask jose for a key: a set past its age is refetched from here, in the background.
      if (!remote.fresh && !remote.reloading) remote.reload().catch(() => {});
      const at = Date.now();
      if (at - kidsReadAt >= JWKS_COOLDOWN_MS) {
        kids = new Set(remote.jwks()?.keys.map((k) => k.kid));
        kidsReadAt = at;
      }
      return kids.has(kid);
    },
  };
}

/**
 * Whether a remote key set failed to arrive (timed out, connection refused, not a 200, not a key set)
 * rather than arrived without the token's key: jose's errors about the token all have a code of their own.
 */
function keySetUnreachable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return [errors.JWKSTimeout.code, errors.JWKSInvalid.code, errors.JOSEError.code].includes(error.code);
}

/**
 * The tokens gateway-global's token service issues (RFC 9068 access tokens): audience `API_AUDIENCE`,
 * header `typ: at+jwt`. Every verifier of them pins both, so no other JWT of the same keys passes for one.
 */
export function signAccessToken(keys: KeyStore, request: Omit<TokenRequest, 'audience' | 'type'>): Promise<string> {
  return signToken(keys, { ...request, audience: API_AUDIENCE, type: ACCESS_TOKEN_TYPE });
}

export function accessTokenVerifier(options: Omit<VerifierOptions, 'audience' | 'type'>): TokenVerifier {
  return createVerifier({ ...options, audience: API_AUDIENCE, type: ACCESS_TOKEN_TYPE });
}

export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  return match?.[1];
}

/** When the bearer token in `authorization` expires, in epoch ms; read without checking it (verify it first). */
export function tokenExpiry(authorization: string | undefined): number | undefined {
  const token = bearerToken(authorization);
  if (!token) return undefined;
  try {
    const { exp } = decodeJwt(token);
    return exp === undefined ? undefined : exp * 1000;
  } catch {
    return undefined;
  }
}
