import { accessTokenVerifier, API_AUDIENCE, type KeyStore, type SigningAlgorithm, type TokenVerifier } from '@retail/auth';

/** The audience of every token the token service issues; each cell gateway pins it. */
export { API_AUDIENCE };

export const SIGNING_ALGORITHM: SigningAlgorithm = 'ES256';

/**
 * Verifies access tokens this gateway issued against its own key set (every key whose tokens can still be
 * valid), with the same pins a cell gateway applies: issuer, audience, algorithm and `typ: at+jwt`.
 * Verified tokens are memoised until they expire.
 */
export function createApiTokenVerifier(keys: KeyStore, issuer: string): TokenVerifier {
  return accessTokenVerifier({ jwks: () => keys.jwks(), issuer, algorithms: [SIGNING_ALGORITHM] });
}
