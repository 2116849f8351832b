import { Hono } from 'hono';
import { bodyLimit, readJson, TooManyRequestsError } from '@retail/kernel';
import { clientAddress, createRateLimiter } from '@retail/gateway';
import type { GatewayRequest } from '../gateway-request.ts';
import type { PasswordChecks } from '../oauth/password-checks.ts';
import { signUpRequest } from '../oauth/sign-up-request.ts';
import type { UserDirectory } from '../oauth/user-directory.ts';
import { TOKEN_REQUEST_MAX_BYTES } from './token.ts';

export interface RegisterRouteDeps {
  users: UserDirectory;
  /** Shared with the token endpoint: hashing a new password is a password check's worth of CPU. */
  passwordChecks: PasswordChecks;
  /** Sign-ups per minute per client address (a token bucket of that size); 0 turns the limit off. */
  signUpsPerMinute: number;
  /** Where the client address comes from (see clientAddress). */
  rateLimit: { trustProxy: boolean };
  now?: () => number;
}

/**
 * Customer sign-up. Only requests that pass validation spend the address's sign-ups, so a person
 * correcting the form is not locked out; what is limited is creating accounts, and asking whether an
 * e-mail has one (the 409).
 */
export function registerRoutes(deps: RegisterRouteDeps): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const perMinute = deps.signUpsPerMinute;
  const signUps = perMinute > 0 ? createRateLimiter({ perSecond: perMinute / 60, burst: perMinute, now: deps.now }) : undefined;

  app.post('/auth/register', bodyLimit(TOKEN_REQUEST_MAX_BYTES), async (c) => {
    const request = await readJson(c, signUpRequest);
    const decision = signUps?.take(clientAddress(c, deps.rateLimit.trustProxy));
    if (decision && !decision.allowed) throw new TooManyRequestsError(decision.retryAfterSeconds);
    const customer = await deps.passwordChecks.run(() => deps.users.register(request));
    c.header('Cache-Control', 'no-store');
    return c.json(customer, 201);
  });

  return app;
}
