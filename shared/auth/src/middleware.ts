import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthorizedError } from '@retail/kernel';
import { bearerToken, type Principal, type TokenVerifier } from './tokens.ts';

export type AuthedRequest = { Variables: { principal: Principal; requestId: string } };

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
