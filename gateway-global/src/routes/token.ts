import { Hono, type Context } from 'hono';
import { signAccessToken, type KeyStore } from '@retail/auth';
import { bodyLimit } from '@retail/kernel';
import { clientAddress } from '@retail/gateway';
import type { GatewayRequest } from '../gateway-request.ts';
import type { UserDirectory } from '../oauth/user-directory.ts';
import type { ClientDirectory } from '../oauth/machine-clients.ts';
import { invalidClient, invalidGrant, OAuthError } from '../oauth/errors.ts';
import { grantScopes } from '../oauth/scopes.ts';
import { readTokenRequest, type TokenRequest } from '../oauth/token-request.ts';
import type { Account } from '../oauth/account.ts';
import { createLoginThrottle, DEFAULT_LOGIN_SETTINGS, type LoginThrottleSettings } from '../oauth/login-throttle.ts';
import type { PasswordChecks } from '../oauth/password-checks.ts';

export interface TokenRouteDeps {
  keys: KeyStore;
  issuer: string;
  tokenTtlSeconds: number;
  users: UserDirectory;
  clients: ClientDirectory;
  /** Password guessing: per-account and per-client locks, and how many password checks run at once. */
  login?: LoginThrottleSettings;
  /** How many password checks run at once; shared with sign-up, which hashes passwords too. */
  passwordChecks: PasswordChecks;
  /** Where the client address comes from (see clientAddress). */
  rateLimit: { trustProxy: boolean };
  now?: () => number;
}

/** Token requests are a few hundred bytes; anything near this is not one. */
export const TOKEN_REQUEST_MAX_BYTES = 8 * 1024;

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * RFC 6749 §5.2: `application/json` `{ error, error_description }`; a client that failed to authenticate
 * with HTTP Basic gets 401 and a Basic challenge. Failures that are not OAuth's (a body over the limit, a
 * locked sign-in, a server error) stay RFC 9457 problems.
 */
function oauthErrorResponse(c: Context, error: OAuthError): Response {
  const headers: Record<string, string> = { ...NO_STORE };
  if (error.status === 401) headers['WWW-Authenticate'] = 'Basic realm="retail", charset="UTF-8"';
  return c.json(error.body(), error.status, headers);
}

/** The OAuth2 token endpoint: password grant for the seeded and registered users, client credentials for cells. */
export function tokenRoutes(deps: TokenRouteDeps): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const logins = createLoginThrottle(deps.login ?? DEFAULT_LOGIN_SETTINGS, deps.now);

  const authenticate = async (request: TokenRequest, client: string): Promise<Account> => {
    if (request.grantType === 'password') {
      logins.attempt(request.username, client);
      const account = await deps.passwordChecks.run(() => deps.users.authenticate(request.username, request.password));
      if (!account) throw invalidGrant();
      logins.succeeded(request.username, client);
      return account;
    }
    const account = deps.clients.authenticate(request.clientId, request.clientSecret);
    if (!account) throw invalidClient(request.authMethod === 'client_secret_basic');
    return account;
  };

  const issue = async (c: Context) => {
    const request = await readTokenRequest(c);
    const account = await authenticate(request, clientAddress(c, deps.rateLimit.trustProxy));
    const { granted, refused } = grantScopes(request.scope, account.allowedScopes);
    if (refused.length > 0) {
      const description = `Not granted to this account: ${refused.join(' ')}.`;
      throw new OAuthError(400, 'invalid_scope', description, [{ path: 'scope', message: description }]);
    }
    // RFC 9068: a JWT access token, `typ: at+jwt`, which every verifier of access tokens requires.
    const accessToken = await signAccessToken(deps.keys, {
      principal: { ...account.identity, scopes: granted },
      issuer: deps.issuer,
      ttlSeconds: deps.tokenTtlSeconds,
    });
    return c.json(
      { access_token: accessToken, token_type: 'Bearer', expires_in: deps.tokenTtlSeconds, scope: granted.join(' ') },
      200,
      NO_STORE,
    );
  };

  app.post('/auth/token', bodyLimit(TOKEN_REQUEST_MAX_BYTES), async (c) => {
    try {
      return await issue(c);
    } catch (error) {
      if (error instanceof OAuthError) return oauthErrorResponse(c, error);
      throw error;
    }
  });

  return app;
}
