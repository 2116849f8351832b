import { Hono } from 'hono';
import { bearerToken, hasScopes, type KeyStore, type TokenVerifier } from '@retail/auth';
import { ForbiddenError, UnauthorizedError, type Logger } from '@retail/kernel';
import type { GatewayRequest } from '../gateway-request.ts';
import { OPERATOR_SCOPE } from '../oauth/scopes.ts';

export interface KeyRouteDeps {
  keys: KeyStore;
  verifyToken: TokenVerifier;
  logger: Logger;
}

/** Operator action: sign with a new key from now on; the previous key stays in the JWKS. */
export function keyRoutes(deps: KeyRouteDeps): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();

  app.post('/auth/keys/rotate', async (c) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw new UnauthorizedError();
    const principal = await deps.verifyToken(token);
    if (!hasScopes(principal, [OPERATOR_SCOPE])) throw new ForbiddenError(`Requires scope ${OPERATOR_SCOPE}.`);
    const previous = deps.keys.current().kid;
    const key = await deps.keys.rotate();
    deps.logger.info({ sub: principal.sub, kid: key.kid, previousKid: previous }, 'signing key rotated');
    return c.json({ kid: key.kid, alg: key.alg, previousKid: previous });
  });

  return app;
}
