import { AppError, type FieldError } from '@retail/kernel';

/** RFC 6749 §5.2 error codes the token endpoint uses. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'invalid_scope' | 'unsupported_grant_type';

const TITLES: Record<number, string> = { 400: 'Invalid request', 401: 'Unauthorized' };

/**
 * A token-endpoint failure: an RFC 9457 problem that also carries the OAuth2 members `error` and
 * `error_description`, so both plain HTTP clients and OAuth2 libraries understand it.
 */
export class OAuthError extends AppError {
  readonly code: OAuthErrorCode;

  constructor(status: 400 | 401, code: OAuthErrorCode, description: string, errors?: FieldError[]) {
    super(status, TITLES[status]!, description, { error: code, error_description: description, ...(errors ? { errors } : {}) });
    this.code = code;
  }
}

export const invalidRequest = (description: string, errors?: FieldError[]) => new OAuthError(400, 'invalid_request', description, errors);
export const invalidClient = () => new OAuthError(401, 'invalid_client', 'Client authentication failed.');
export const invalidGrant = () => new OAuthError(401, 'invalid_grant', 'The username or password is wrong.');
