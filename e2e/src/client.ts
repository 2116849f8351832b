import type { components } from '@retail/contracts/public-api';
import type { HttpMethod, Operation, OptionsArg, PathsWith, ResponseBody } from '@retail/contracts/public-api-calls';

/** The public API's component schemas (`Schemas['Order']`), generated from its OpenAPI document. */
export type Schemas = components['schemas'];

/** An answer of the API: its status, headers and parsed JSON body (undefined when it had none). */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  /** With an error status (4xx, 5xx): the body, an RFC 9457 problem. */
  problem?: Schemas['Problem'];
}

/**
 * A call keyed by a route template of the public API, with the operation's parameters and body typed:
 * `api.get('/api/orders/{id}', { path: { id }, token })`. `body` is typed as the operation's 2xx body; on
 * any other status it holds what the server said instead (a problem), so check `status` first.
 */
export type TypedCall<M extends HttpMethod> = <P extends PathsWith<M>>(
  path: P,
  ...options: OptionsArg<Operation<P, M>, { token?: string }>
) => Promise<ApiResponse<ResponseBody<Operation<P, M>>>>;

/** A small HTTP client for the public API, as any OAuth2 client would use it. */
export interface ApiClient {
  token(username: string, password: string): Promise<string>;
  /** Any request, by its real path (`/api/orders?pageSize=1`): for what the API refuses, and what it does not describe. */
  call(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse>;
  get: TypedCall<'get'>;
  post: TypedCall<'post'>;
  put: TypedCall<'put'>;
  patch: TypedCall<'patch'>;
  delete: TypedCall<'delete'>;
}

/** What a typed call may carry, seen from inside: the template's parameters filled in, the rest as for `call`. */
interface CallOptions {
  path?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

/**
 * A route template with its parameters: each path parameter URI-encoded into its place, the query parameters
 * after `?` (an array as the parameter repeated; undefined ones left out).
 */
function pathOf(template: string, options: Pick<CallOptions, 'path' | 'query'> = {}): string {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = options.path?.[name];
    if (value === undefined) throw new TypeError(`${template}: no value for {${name}}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(options.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== null) search.append(name, String(item));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

export function apiClient(base: string): ApiClient {
  const call: ApiClient['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    return { status: res.status, headers: res.headers, body, problem: res.status >= 400 ? body : undefined };
  };
  const typed =
    (method: string) =>
    (template: string, options: CallOptions = {}): Promise<ApiResponse> =>
      call(method, pathOf(template, options), options);
  return {
    async token(username, password) {
      const res = await fetch(`${base}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username, password }),
      });
      if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as Schemas['TokenResponse']).access_token;
    },
    call,
    get: typed('GET') as TypedCall<'get'>,
    post: typed('POST') as TypedCall<'post'>,
    put: typed('PUT') as TypedCall<'put'>,
    patch: typed('PATCH') as TypedCall<'patch'>,
    delete: typed('DELETE') as TypedCall<'delete'>,
  };
}
