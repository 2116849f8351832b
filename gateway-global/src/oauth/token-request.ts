import type { Context } from 'hono';
import { z } from 'zod';
import { readBodyText, zodFieldErrors } from '@retail/kernel';
import { invalidRequest, OAuthError } from './errors.ts';
import { parseScopeParameter } from './scopes.ts';

export type TokenRequest =
  | { grantType: 'password'; username: string; password: string; scope: string[] | undefined }
  | {
      grantType: 'client_credentials';
      clientId: string;
      clientSecret: string;
      /** How the client authenticated: `client_secret_basic` (HTTP Basic) or `client_secret_post` (in the body). */
      authMethod: ClientAuthMethod;
      scope: string[] | undefined;
    };

/** The client authentication methods of RFC 6749 §2.3.1, as RFC 8414 names them. */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

export const SUPPORTED_GRANT_TYPES = ['password', 'client_credentials'] as const;

const scope = z.string().max(1000).optional();

const passwordGrant = z.object({
  username: z.string().trim().min(1, 'username is required').max(320),
  password: z.string().min(1, 'password is required').max(1024),
  scope,
});

const clientCredentialsGrant = z.object({
  client_id: z.string().min(1, 'client_id is required').max(200),
  client_secret: z.string().min(1, 'client_secret is required').max(1024),
  scope,
});

type Parameters = Record<string, unknown>;

/**
 * The token request as OAuth2 clients send it: form-encoded (the standard) or JSON (convenient for
 * scripts), with client credentials in the body or in HTTP Basic.
 */
export async function readTokenRequest(c: Context): Promise<TokenRequest> {
  const params = await readParameters(c);
  const grantType = params.grant_type;
  if (grantType === undefined || grantType === '') {
    throw invalidRequest('grant_type is required.', [{ path: 'grant_type', message: 'grant_type is required' }]);
  }
  if (grantType === 'password') {
    const body = validate(passwordGrant, params);
    return { grantType, username: body.username, password: body.password, scope: parseScopeParameter(body.scope) };
  }
  if (grantType === 'client_credentials') {
    const authorization = c.req.header('authorization');
    const body = validate(clientCredentialsGrant, withBasicCredentials(params, authorization));
    return {
      grantType,
      clientId: body.client_id,
      clientSecret: body.client_secret,
      authMethod: isBasic(authorization) ? 'client_secret_basic' : 'client_secret_post',
      scope: parseScopeParameter(body.scope),
    };
  }
  throw new OAuthError(400, 'unsupported_grant_type', `Supported grant types: ${SUPPORTED_GRANT_TYPES.join(', ')}.`, [
    { path: 'grant_type', message: `Use one of: ${SUPPORTED_GRANT_TYPES.join(', ')}` },
  ]);
}

function validate<S extends z.ZodType>(schema: S, params: Parameters): z.infer<S> {
  const result = schema.safeParse(params);
  if (!result.success) throw invalidRequest('The token request is missing or has invalid parameters.', zodFieldErrors(result.error));
  return result.data;
}

async function readParameters(c: Context): Promise<Parameters> {
  const type = c.req.header('content-type') ?? '';
  // readBodyText holds the body to the endpoint's bodyLimit, also when it does not announce its length.
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return readForm(await readBodyText(c));
  if (/^application\/([\w.+-]*\+)?json\b/i.test(type)) return readJsonObject(await readBodyText(c));
  // RFC 6749 §3.2: the request is form-encoded; anything else is a malformed request (400), not a 415.
  throw invalidRequest('Send the token request as application/x-www-form-urlencoded (or application/json).', [
    { path: 'content-type', message: 'Expected application/x-www-form-urlencoded' },
  ]);
}

function readForm(text: string): Parameters {
  const params: Parameters = {};
  for (const [key, value] of new URLSearchParams(text)) {
    // RFC 6749 §3.2: parameters must not repeat; which one would win is ambiguous.
    if (key in params) throw invalidRequest(`${key} is given more than once.`, [{ path: key, message: 'Repeated parameter' }]);
    params[key] = value;
  }
  return params;
}

function readJsonObject(text: string): Parameters {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidRequest('The body is not valid JSON.', [{ path: '(body)', message: 'Malformed JSON' }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest('The body must be a JSON object.', [{ path: '(body)', message: 'Expected an object' }]);
  }
  return value as Parameters;
}

const isBasic = (authorization: string | undefined) => /^Basic(\s|$)/i.test(authorization ?? '');

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64; a client uses one method only. */
function withBasicCredentials(params: Parameters, authorization: string | undefined): Parameters {
  if (!isBasic(authorization)) return params;
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  let clientId: string;
  let clientSecret: string;
  try {
    if (colon < 0) throw new Error('no colon');
    clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  } catch {
    throw invalidRequest('The Basic credentials are malformed.', [
      { path: 'authorization', message: 'Expected base64(client_id:client_secret)' },
    ]);
  }
  if (params.client_secret !== undefined) {
    throw invalidRequest('Authenticate the client either with HTTP Basic or in the body, not both.', [
      { path: 'client_secret', message: 'Not allowed together with HTTP Basic' },
    ]);
  }
  if (params.client_id !== undefined && params.client_id !== clientId) {
    throw invalidRequest('client_id differs from the HTTP Basic client.', [{ path: 'client_id', message: 'Differs from HTTP Basic' }]);
  }
  return { ...params, client_id: clientId, client_secret: clientSecret };
}
