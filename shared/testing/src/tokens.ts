import {
  createVerifier,
  internalAudience,
  internalIssuer,
  openKeyStore,
  signToken,
  type Principal,
  type TokenVerifier,
} from '@retail/auth';

export interface TestTokens {
  /** Verifies what `sign` makes, exactly as a service verifies its gateway's internal tokens. */
  verifier: TokenVerifier;
  sign(
    principal: Partial<Principal> & { scopes?: string[] },
    options?: { ttlSeconds?: number; audience?: string; issuer?: string },
  ): Promise<string>;
}

/** In-memory internal tokens for in-process service tests: the same keys and claims a cell gateway uses. */
export async function internalTestTokens(cell: string): Promise<TestTokens> {
  const keys = await openKeyStore({ alg: 'EdDSA' });
  const verifier = createVerifier({
    jwks: () => keys.jwks(),
    issuer: internalIssuer(cell),
    audience: internalAudience(cell),
    algorithms: ['EdDSA'],
  });
  return {
    verifier,
    sign: (principal, options = {}) =>
      signToken(keys, {
        principal: { sub: principal.sub ?? 'user-1', scopes: principal.scopes ?? [], email: principal.email },
        issuer: options.issuer ?? internalIssuer(cell),
        audience: options.audience ?? internalAudience(cell),
        ttlSeconds: options.ttlSeconds ?? 60,
      }),
  };
}
