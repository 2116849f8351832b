export {
  openKeyStore,
  CLOCK_SKEW_SECONDS,
  type KeyStore,
  type KeyStoreOptions,
  type SigningKey,
  type SigningAlgorithm,
} from './keystore.ts';
export {
  signToken,
  signAccessToken,
  createVerifier,
  accessTokenVerifier,
  ACCESS_TOKEN_TYPE,
  API_AUDIENCE,
  bearerToken,
  tokenExpiry,
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
} from './internal.ts';
