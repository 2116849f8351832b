import type { FieldError } from '@retail/kernel';

/** RFC 6749 §5.2 error codes the token endpoint uses. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'invalid_scope' | 'unsupported_grant_type';

/**
 * A token-endpoint failure, answered as RFC 6749 §5.2 says (not as a problem): `application/json`
 * `{ error, error_description }`, with `errors` naming the fields at fault where there are some. 400,
 * except a client that failed to authenticate with HTTP Basic: 401 with a Basic challenge.
 */
export class OAuthError extends Error {
  readonly status: 400 | 401;
  readonly code: OAuthErrorCode;
  readonly errors: FieldError[] | undefined;

  constructor(status: 400 | 401, code: OAuthErrorCode, description: string, errors?: FieldError[]) {
    super(description);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }

  /** The RFC 6749 §5.2 body. */
  body(): { error: OAuthErrorCode; error_description: string; errors?: FieldError[] } {
    return { error: this.code, error_description: this.message, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const invalidRequest = (description: string, errors?: FieldError[]) => new OAuthError(400, 'invalid_request', description, errors);
/** The client's credentials are wrong: 401 (and a challenge) when it sent them with HTTP Basic, else 400. */
export const invalidClient = (viaBasic: boolean) => new OAuthError(viaBasic ? 401 : 400, 'invalid_client', 'Client authentication failed.');
export const invalidGrant = () => new OAuthError(400, 'invalid_grant', 'The username or password is wrong.');
