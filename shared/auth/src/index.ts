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
export { requireInternalToken, requireScopes, requireWorkload, requireForwardedUser, hasScopes, type AuthedRequest } from './middleware.ts';
export {
  internalAudience,
  internalIssuer,
  internalTokenVerifier,
  internalScope,
  workloadSubject,
  FORWARDED_USER_HEADER,
  API_AUDIENCE,
} from './internal.ts';
