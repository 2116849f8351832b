export { openKeyStore, type KeyStore, type SigningKey, type SigningAlgorithm } from './keystore.ts';
export {
  signToken,
  createVerifier,
  bearerToken,
  principalFromClaims,
  type Principal,
  type TokenRequest,
  type TokenVerifier,
  type VerifierOptions,
} from './tokens.ts';
export { requireInternalToken, requireScopes, hasScopes, type AuthedRequest } from './middleware.ts';
export { internalAudience, internalIssuer, internalTokenVerifier, internalScope, API_AUDIENCE } from './internal.ts';
