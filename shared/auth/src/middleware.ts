import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, ServiceUnavailableError, UnauthorizedError } from '@retail/kernel';
import { FORWARDED_USER_HEADER, internalScope, workloadSubject } from './internal.ts';
import { bearerToken, type Principal, type TokenVerifier } from './tokens.ts';

export type AuthedRequest = {
  Variables: {
    principal: Principal;
    requestId: string;
    /** On a command a composite sends for one of its callers: that caller (`requireForwardedUser`). */
    forwardedUser: Principal;
  };
};

/**
 * Services behind a cell gateway accept only the cell-internal token the gateway minted, so a request
 * that bypasses the gateway is refused even on localhost.
 */
export function requireInternalToken(verify: TokenVerifier): MiddlewareHandler<AuthedRequest> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw new UnauthorizedError('This service accepts only its cell gateway’s internal token.');
    c.set('principal', await verify(token));
    await next();
  };
}

export function hasScopes(principal: Principal, required: readonly string[]): boolean {
  return required.every((scope) => principal.scopes.includes(scope));
}

/** Defence in depth inside the cell: the route's scopes are checked again by the service. */
export function requireScopes(...required: string[]): MiddlewareHandler<AuthedRequest> {
  return async (c, next) => {
    if (!hasScopes(c.get('principal'), required)) throw new ForbiddenError(`Requires scope ${required.join(' ')}.`);
    await next();
  };
}

/**
 * A cell-internal command only the named components of `cell` may send: a workload token of this cell
 * (scope `<cell>:internal`) whose subject is one of theirs. Declared once per command, next to it.
 */
export function requireWorkload(cell: string, ...components: string[]): MiddlewareHandler<AuthedRequest> {
  const allowed = new Set(components.map((component) => workloadSubject(cell, component)));
  return async (c, next) => {
    const { sub, scopes } = c.get('principal');
    if (!scopes.includes(internalScope(cell)) || !allowed.has(sub))
      throw new ForbiddenError(`Only ${components.join(', ')} of the ${cell} cell may send this command.`);
    await next();
  };
}

/**
 * The person a composite acts for: their internal token, which the cell gateway minted for the request
 * the composite is serving, forwarded in FORWARDED_USER_HEADER and verified here like any other, with
 * `scopes`. Workload and machine tokens are not a person.
 */
export function requireForwardedUser(verify: TokenVerifier, ...scopes: string[]): MiddlewareHandler<AuthedRequest> {
  return async (c, next) => {
    const token = c.req.header(FORWARDED_USER_HEADER);
    if (!token) throw new ForbiddenError(`Send the caller's internal token in ${FORWARDED_USER_HEADER}.`);
    const user = await verify(token).catch((error: unknown) => {
      if (error instanceof ServiceUnavailableError) throw error;
      throw new ForbiddenError(`The token in ${FORWARDED_USER_HEADER} is invalid or expired.`);
    });
    if (user.clientId || user.sub.startsWith('service:') || !hasScopes(user, scopes))
      throw new ForbiddenError(`The token in ${FORWARDED_USER_HEADER} is not a customer's with ${scopes.join(' ')}.`);
    c.set('forwardedUser', user);
    await next();
  };
}
