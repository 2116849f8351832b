import { Hono, type MiddlewareHandler } from 'hono';
import { signToken, type KeyStore } from '@retail/auth';
import { bodyLimit } from '@retail/kernel';
import { clientAddress } from '@retail/gateway';
import type { GatewayRequest } from '../gateway-request.ts';
import type { UserDirectory } from '../oauth/user-directory.ts';
import type { ClientDirectory } from '../oauth/machine-clients.ts';
import { invalidClient, invalidGrant, OAuthError } from '../oauth/errors.ts';
import { grantScopes } from '../oauth/scopes.ts';
import { readTokenRequest, type TokenRequest } from '../oauth/token-request.ts';
import { API_AUDIENCE } from '../oauth/token-profile.ts';
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

/** RFC 6749 §5.2: a client that tried HTTP Basic and failed gets a Basic challenge with its 401. */
const challengeBasicClients: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.status === 401 && /^Basic\s/i.test(c.req.header('authorization') ?? '')) {
    c.res.headers.set('WWW-Authenticate', 'Basic realm="retail", charset="UTF-8"');
  }
};

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
    if (!account) throw invalidClient();
    return account;
  };

  app.post('/auth/token', challengeBasicClients, bodyLimit(TOKEN_REQUEST_MAX_BYTES), async (c) => {
    const request = await readTokenRequest(c);
    const account = await authenticate(request, clientAddress(c, deps.rateLimit.trustProxy));
    const { granted, refused } = grantScopes(request.scope, account.allowedScopes);
    if (refused.length > 0) {
      const description = `Not granted to this account: ${refused.join(' ')}.`;
      throw new OAuthError(400, 'invalid_scope', description, [{ path: 'scope', message: description }]);
    }
    const accessToken = await signToken(deps.keys, {
      principal: { ...account.identity, scopes: granted },
      issuer: deps.issuer,
      audience: API_AUDIENCE,
      ttlSeconds: deps.tokenTtlSeconds,
    });
    c.header('Cache-Control', 'no-store');
    c.header('Pragma', 'no-cache');
    return c.json({ access_token: accessToken, token_type: 'Bearer', expires_in: deps.tokenTtlSeconds, scope: granted.join(' ') });
  });

  return app;
}
