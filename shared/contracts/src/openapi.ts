import type { ZodType } from 'zod';
import { routeCallers, type CellDescriptor, type RouteContract, type RouteDescriptor } from '@retail/descriptor';
import { problemDocument } from './problems.ts';
import { inputSchema, SchemaNames, type JsonSchema } from './json-schema.ts';

/** A route and where it is served: a cell's route, or one of gateway-global's own. */
export interface DocumentedRoute extends Pick<RouteDescriptor, 'method' | 'path' | 'access' | 'scopes' | 'summary'> {
  contract: RouteContract;
  /** Who serves it: a cell's name, or `gateway-global`. */
  tag: string;
  /** Only other cells' client-credentials tokens (a cell gateway's document lists them). */
  forCells?: boolean;
}

export interface OpenApiOptions {
  title: string;
  description: string;
  version: string;
  /** `/api` before every cell route in the public document; '' on a cell gateway. */
  prefix: string;
  /** Where the token service issues tokens (the OAuth flows' tokenUrl). */
  tokenUrl: string;
  /** Schema modules naming the components (the cells' `schemas`, gateway-global's). */
  schemaModules: readonly { owner: string; module: Readonly<Record<string, unknown>> | undefined }[];
  tags: readonly { name: string; description: string }[];
}

/** The problems any route may answer, documented once in `components.responses`. */
const COMMON_PROBLEMS: Readonly<Record<number, string>> = {
  400: 'The request is not valid: `errors` lists each field.',
  401: 'No valid bearer token.',
  403: 'The token lacks a scope the route needs, or is of the wrong kind of caller.',
  404: 'No such resource.',
  409: 'The request conflicts with the resource’s state.',
  410: 'It is no longer here (moved to another partition).',
  412: 'The `If-Match` precondition failed: the resource changed.',
  413: 'The body is larger than the route allows.',
  415: 'The body must be JSON.',
  422: 'The request is well-formed but cannot be carried out.',
  428: 'The route needs a precondition header (`If-Match`).',
  429: 'Too many requests: wait `Retry-After` seconds.',
  500: 'Something went wrong on the server; it has been logged.',
  502: 'A cell did not answer properly (its gateway or a component is failing).',
  503: 'A dependency is unavailable or the customer is being moved; retry after `Retry-After` seconds when given.',
  504: 'A cell did not answer in time.',
};

const camel = (words: string[]) => words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');

/** `GET /orders/:id/cancel` → `getOrdersByIdCancel`: stable, so generated clients keep their method names. */
export function operationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => (segment.startsWith(':') ? ['by', segment.slice(1)] : segment.split(/[^A-Za-z0-9]+/)))
    .filter(Boolean);
  return camel([method.toLowerCase(), ...words]);
}

/** Hono's `/products/:sku` → OpenAPI's `/products/{sku}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(contract: RouteContract, path: string): JsonSchema[] {
  const fromObject = (schema: ZodType | undefined, where: 'path' | 'query') => {
    if (!schema) return [];
    const json = inputSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, property]) => {
      const { description, ...propertySchema } = property;
      return {
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: propertySchema,
      };
    });
  };
  const declared = fromObject(contract.params, 'path');
  // A path parameter the contract does not describe is still one.
  const missing = [...path.matchAll(/:([A-Za-z0-9_]+)/g)]
    .map((m) => m[1]!)
    .filter((name) => !declared.some((p) => p.name === name))
    .map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const headers = Object.entries(contract.headers ?? {}).map(([name, header]) => ({
    name,
    in: 'header',
    required: header.required ?? false,
    description: header.description,
    schema: header.schema ? inputSchema(header.schema) : { type: 'string' },
  }));
  return [...declared, ...missing, ...fromObject(contract.query, 'query'), ...headers];
}

function responses(route: DocumentedRoute, names: SchemaNames, opId: string): Record<string, JsonSchema> {
  const { contract } = route;
  const out: Record<string, JsonSchema> = {};
  const headersFor = (status: number) => {
    const headers = Object.entries(contract.responseHeaders ?? {}).filter(([, h]) => h.statuses.includes(status));
    return headers.length
      ? { headers: Object.fromEntries(headers.map(([name, h]) => [name, { description: h.description, schema: { type: 'string' } }])) }
      : {};
  };
  for (const [status, schema] of Object.entries(contract.responses).sort(([a], [b]) => Number(a) - Number(b))) {
    const mediaType = contract.responseMediaType ?? 'application/json';
    out[status] = {
      description: route.summary,
      ...headersFor(Number(status)),
      ...(schema
        ? { content: { [mediaType]: { schema: names.ref(schema, `${opId.charAt(0).toUpperCase()}${opId.slice(1)}${status}`) } } }
        : {}),
    };
  }
  const problems = new Set<number>([...(contract.problems ?? []), 429, 500, 502, 503, 504]);
  if (contract.params || contract.query || contract.body || contract.headers) problems.add(400);
  if (contract.body) problems.add(415).add(413);
  if (route.access === 'token') problems.add(401).add(403);
  // A status the route answers in its own way (the token endpoint's RFC 6749 errors) is not a problem.
  for (const status of [...problems].sort((a, b) => a - b)) out[status] ??= { $ref: `#/components/responses/Problem${status}` };
  return out;
}

function operation(route: DocumentedRoute, names: SchemaNames): JsonSchema {
  const opId = operationId(route.method, route.path);
  const { contract } = route;
  const params = parameters(contract, route.path);
  return {
    operationId: opId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.forCells ? { 'x-callers': 'cell' } : {}),
    security: route.access === 'token' ? [{ oauth2: [...(route.scopes ?? [])] }] : [],
    ...(params.length ? { parameters: params } : {}),
    ...(contract.body
      ? {
          requestBody: {
            required: true,
            content: { [contract.bodyMediaType ?? 'application/json']: { schema: inputSchema(contract.body) } },
          },
        }
      : {}),
    responses: responses(route, names, opId),
  };
}

/** The OpenAPI 3.1 document of `routes`, their schemas named from `schemaModules`. Deterministic: the committed copies are compared with it. */
export function openApiDocument(routes: readonly DocumentedRoute[], options: OpenApiOptions): JsonSchema {
  const names = new SchemaNames();
  for (const { owner, module } of options.schemaModules) names.add(owner, module);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const scopes = new Set<string>();
  for (const route of routes) {
    const path = `${route.tag === 'gateway-global' ? '' : options.prefix}${openApiPath(route.path)}`;
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, names);
    for (const scope of route.scopes ?? []) scopes.add(scope);
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  const scopeList = Object.fromEntries([...scopes].sort().map((s) => [s, `Scope ${s}`]));
  const problem = problemDocument();
  return {
    openapi: '3.1.1',
    info: { title: options.title, version: options.version, description: options.description },
    tags: options.tags,
    paths: sortedPaths,
    components: {
      schemas: { ...names.components(), Problem: problem.schema },
      responses: Object.fromEntries(
        Object.entries(COMMON_PROBLEMS).map(([status, description]) => [
          `Problem${status}`,
          {
            description,
            ...(['429', '503'].includes(status)
              ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } }
              : {}),
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        ]),
      ),
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description:
            'Bearer access tokens (JWT, `at+jwt`) from the token service: people by the password grant, other cells by client credentials.',
          flows: {
            password: { tokenUrl: options.tokenUrl, scopes: scopeList },
            clientCredentials: { tokenUrl: options.tokenUrl, scopes: scopeList },
          },
        },
      },
    },
    'x-problem-types': problem.types,
  };
}

/** A cell's route with its contract; a route without one cannot be documented. */
function documented(cell: CellDescriptor, route: RouteDescriptor): DocumentedRoute {
  if (!route.contract) throw new Error(`${cell.name}: route ${route.method} ${route.path} has no contract to document`);
  return { ...route, contract: route.contract, tag: cell.name, forCells: routeCallers(route) === 'cell' };
}

/** The document of one cell as its gateway serves it: every route, people's and other cells'. */
export function cellOpenApi(cell: CellDescriptor, tokenUrl = '/auth/token'): JsonSchema {
  const routes = cell.routes.map((route) => documented(cell, route));
  return openApiDocument(routes, {
    title: `Cellular Retail: the ${cell.name} cell gateway`,
    description: `${cell.summary}\n\nServed by the ${cell.name} cell’s gateway. Routes marked \`x-callers: cell\` take only other cells’ client-credentials tokens; the rest are public through gateway-global under \`/api\`.`,
    version: '1.0.0',
    prefix: '',
    tokenUrl,
    schemaModules: [{ owner: cell.name, module: cell.schemas }],
    tags: [{ name: cell.name, description: cell.summary }],
  });
}

export const formatDocument = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;

/**
 * The public API as gateway-global serves it: every cell's routes for people under `/api` (once for a
 * partitioned cell: its partitions serve the same routes), and gateway-global's own.
 */
export function publicOpenApi(
  cells: readonly CellDescriptor[],
  own: { routes: readonly DocumentedRoute[]; schemas: Readonly<Record<string, unknown>>; description: string },
): JsonSchema {
  const cellRoutes = cells.flatMap((cell) =>
    cell.routes.filter((route) => routeCallers(route) === 'user').map((route) => ({ ...documented(cell, route), forCells: false })),
  );
  return openApiDocument([...own.routes, ...cellRoutes], {
    title: 'Cellular Retail API',
    description: own.description,
    version: '1.0.0',
    prefix: '/api',
    tokenUrl: '/auth/token',
    schemaModules: [{ owner: 'gateway-global', module: own.schemas }, ...cells.map((cell) => ({ owner: cell.name, module: cell.schemas }))],
    tags: [
      { name: 'gateway-global', description: 'The single public entry: tokens, sign-up, keys, the documents, the console.' },
      ...cells.map((cell) => ({ name: cell.name, description: cell.summary })),
    ],
  });
}
