import { z } from 'zod';
import type { DocumentedRoute } from '@retail/contracts';
import { signUpRequest } from '../oauth/sign-up-request.ts';
import { OPERATOR_SCOPE } from '../oauth/scopes.ts';

/**
 * gateway-global's own routes (the token service, sign-up, keys, the documents, the console) as the public
 * OpenAPI document describes them; the cells' routes come from their descriptors. The schemas are what
 * the routes answer: the system tests check every answer against them.
 */

export const tokenRequestSchema = z.object({
  grant_type: z.enum(['password', 'client_credentials']),
  username: z.string().optional().describe('password grant'),
  password: z.string().optional().describe('password grant'),
  client_id: z.string().optional().describe('client_credentials grant, unless sent with HTTP Basic'),
  client_secret: z.string().optional().describe('client_credentials grant, unless sent with HTTP Basic'),
  scope: z.string().optional().describe('Space-separated scopes; all the account may have when omitted'),
});

export const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().positive(),
  scope: z.string(),
});

/** RFC 6749 §5.2: the token endpoint's errors. */
export const oauthErrorSchema = z.object({
  error: z.enum(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']),
  error_description: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const customerSchema = z.object({ id: z.string(), email: z.string(), name: z.string() });

export const keyRotationSchema = z.object({ kid: z.string(), alg: z.string(), previousKid: z.string() });

/** `GET /api/problems/{kind}`: a kind of problem from the kernel's registry. */
export const problemTypeSchema = z.object({
  type: z.string().describe('The problem type URI, `/api/problems/<kind>`'),
  kind: z.string(),
  status: z.number().int(),
  title: z.string(),
  description: z.string(),
});

export const problemTypeListSchema = z.object({ items: z.array(problemTypeSchema) });

export const jwksSchema = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string().optional(), use: z.string().optional() })),
});

export const authorizationServerMetadataSchema = z.looseObject({
  issuer: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
  grant_types_supported: z.array(z.string()),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  scopes_supported: z.array(z.string()),
  response_types_supported: z.array(z.string()),
});

/** An OpenAPI or AsyncAPI document: its own schema is the specification's. */
export const apiDocumentSchema = z.looseObject({ info: z.looseObject({ title: z.string(), version: z.string() }) });

const health = z.enum(['up', 'down']);
export const consoleHealthSchema = z.object({
  checkedAt: z.iso.datetime(),
  cells: z.array(
    z.object({
      cell: z.string(),
      partitionOf: z.string().nullable(),
      status: z.enum(['up', 'degraded', 'down']),
      gateway: health,
      components: z.record(z.string(), health),
    }),
  ),
  router: z.array(
    z.object({
      cell: z.string(),
      version: z.number().int().nullable(),
      controlPlane: z.enum(['reachable', 'unreachable']),
      partitions: z.array(z.looseObject({ name: z.string(), state: z.string(), customers: z.number().int() })),
    }),
  ),
});

export const consoleTopologySchema = z.looseObject({
  gateway: z.looseObject({ name: z.string(), summary: z.string() }),
  cells: z.array(
    z.looseObject({
      name: z.string(),
      summary: z.string(),
      kind: z.enum(['global', 'partitioned']),
      stream: z.string(),
      components: z.array(z.looseObject({ name: z.string(), kind: z.enum(['core', 'composite']) })),
      routes: z.array(z.looseObject({ method: z.string(), path: z.string() })),
    }),
  ),
});

export const consoleInstancesSchema = z.object({
  registry: z.enum(['live', 'unreachable', 'off']),
  instances: z.array(
    z.looseObject({ cell: z.string(), component: z.string(), instance: z.string(), version: z.string(), startedAt: z.string() }),
  ),
});

const noStore = { 'Cache-Control': { description: 'no-store', statuses: [200, 201] } } as const;
const own = (route: Omit<DocumentedRoute, 'tag'>): DocumentedRoute => ({ ...route, tag: 'gateway-global' });

export const gatewayRoutes: readonly DocumentedRoute[] = [
  own({
    method: 'POST',
    path: '/auth/token',
    access: 'public',
    summary: 'An access token: the password grant for people, client credentials for other cells (form-encoded or JSON)',
    contract: {
      body: tokenRequestSchema,
      bodyMediaType: 'application/x-www-form-urlencoded',
      responses: { 200: tokenResponseSchema, 400: oauthErrorSchema, 401: oauthErrorSchema },
      responseHeaders: noStore,
    },
  }),
  own({
    method: 'POST',
    path: '/auth/register',
    access: 'public',
    summary: 'Sign up as a customer',
    contract: { body: signUpRequest, responses: { 201: customerSchema }, responseHeaders: noStore, problems: [409] },
  }),
  own({
    method: 'POST',
    path: '/auth/keys/rotate',
    access: 'token',
    scopes: [OPERATOR_SCOPE],
    summary: 'Sign with a new key from now on; the earlier keys stay in the JWKS while their tokens can be valid (operators)',
    contract: { responses: { 200: keyRotationSchema } },
  }),
  own({
    method: 'GET',
    path: '/.well-known/jwks.json',
    access: 'public',
    summary: 'The public keys access tokens are signed with',
    contract: { responses: { 200: jwksSchema } },
  }),
  own({
    method: 'GET',
    path: '/.well-known/oauth-authorization-server',
    access: 'public',
    summary: 'What the token service supports (RFC 8414)',
    contract: { responses: { 200: authorizationServerMetadataSchema } },
  }),
  own({
    method: 'GET',
    path: '/api/problems',
    access: 'public',
    summary: 'Every kind of problem a client can tell apart by its `type`',
    contract: { responses: { 200: problemTypeListSchema } },
  }),
  own({
    method: 'GET',
    path: '/api/problems/:kind',
    access: 'public',
    summary: 'What a problem type means: a problem’s `type` URI leads here',
    contract: { params: z.object({ kind: z.string() }), responses: { 200: problemTypeSchema }, problems: [404] },
  }),
  own({
    method: 'GET',
    path: '/api/openapi.json',
    access: 'public',
    summary: 'This document',
    contract: { responses: { 200: apiDocumentSchema } },
  }),
  own({
    method: 'GET',
    path: '/api/docs',
    access: 'public',
    summary: 'The API reference, a page over this document',
    contract: { responses: { 200: z.string() }, responseMediaType: 'text/html' },
  }),
  own({
    method: 'GET',
    path: '/console/topology',
    access: 'public',
    summary: 'The cells, their components, events and routes, from the descriptors',
    contract: { responses: { 200: consoleTopologySchema } },
  }),
  own({
    method: 'GET',
    path: '/console/health',
    access: 'public',
    summary: 'Every cell’s health as its gateway reports it, and the cell router’s copy of the placement map',
    contract: { responses: { 200: consoleHealthSchema } },
  }),
  own({
    method: 'GET',
    path: '/console/instances',
    access: 'public',
    summary: 'The live instances and their configuration (addresses only for an operator token)',
    contract: { responses: { 200: consoleInstancesSchema } },
  }),
  own({
    method: 'GET',
    path: '/console/events',
    access: 'public',
    summary: 'The live event feed: envelopes, never data (server-sent events)',
    contract: { responses: { 200: z.string() }, responseMediaType: 'text/event-stream' },
  }),
  own({
    method: 'GET',
    path: '/console/asyncapi.json',
    access: 'public',
    summary: 'The event catalog (AsyncAPI 3)',
    contract: { responses: { 200: apiDocumentSchema } },
  }),
];

export const API_DESCRIPTION = `The public API of Cellular Retail, served by gateway-global: the cells' routes under \`/api\`, the token service under \`/auth\`, discovery under \`/.well-known\`, and the operator console's read models under \`/console\`.

Errors are RFC 9457 problems (\`application/problem+json\`); a \`type\` other than \`about:blank\` names a kind of problem a client can act on (\`x-problem-types\`). The token endpoint answers errors as RFC 6749 §5.2 describes.`;
