import type { Principal } from '@retail/auth';

/** Someone the token service can issue tokens to: a demo user or a machine client. */
export interface Account {
  /** Who the token is about (`sub`, `email`, `client_id`); its scopes are decided per request. */
  identity: Omit<Principal, 'scopes'>;
  /** The most it may be granted; a request may narrow this. */
  allowedScopes: readonly string[];
}
