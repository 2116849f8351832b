import { API_AUDIENCE, createVerifier, type KeyStore, type SigningAlgorithm, type TokenVerifier } from '@retail/auth';

/** The audience of every token the token service issues; each cell gateway pins it. */
export { API_AUDIENCE };

export const SIGNING_ALGORITHM: SigningAlgorithm = 'ES256';

/**
 * Verifies tokens this gateway issued against its own key set (current and previous key), with the
 * same pins a cell gateway applies. Verified tokens are memoised until they expire.
 */
export function createApiTokenVerifier(keys: KeyStore, issuer: string): TokenVerifier {
  return createVerifier({ jwks: () => keys.jwks(), issuer, audience: API_AUDIENCE, algorithms: [SIGNING_ALGORITHM] });
}
