// What a typed call of the public API takes and gives, keyed by route template (`/api/products/{sku}`), from the types
// openapi-typescript generates from its OpenAPI document (public-api.ts). Types only: each client (the storefront's
// api.js, the system tests' and the benchmark's client) builds its URLs itself, from the template.
import type { paths } from './public-api.ts';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The route templates with an operation for `method`, e.g. PathsWith<'post'> includes `/api/orders`. */
export type PathsWith<M extends HttpMethod> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never;
}[keyof paths];

/** The operation of `method` on the route template `P` (the generated `operations[...]`). */
export type Operation<P extends keyof paths, M extends HttpMethod> = Extract<paths[P][M], { responses: unknown }>;

type ParametersOf<O> = O extends { parameters: infer T } ? T : object;
type Absent<T> = [Exclude<T, undefined>] extends [never] ? true : false;
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/** `path` with every path parameter, when the template has any (`{ path: { sku } }`). */
type PathOption<O> = ParametersOf<O> extends { path: infer T extends Record<string, string | number> } ? { path: T } : { path?: never };
/** `query` with the operation's query parameters: required when one of them is. */
type QueryOption<O> =
  ParametersOf<O> extends { query: infer T extends Record<string, unknown> }
    ? { query: T }
    : ParametersOf<O> extends { query?: infer T extends Record<string, unknown> }
      ? Absent<T> extends true
        ? { query?: never }
        : { query?: Exclude<T, undefined> }
      : { query?: never };
/** `headers`: the operation's header parameters when it requires one (`Idempotency-Key`), and any others. */
type HeaderOption<O> =
  ParametersOf<O> extends { header: infer H } ? { headers: H & Record<string, string> } : { headers?: Record<string, string> };
/** `body`: the operation's JSON request body, when it takes one. */
type BodyOption<O> = O extends { requestBody: infer R }
  ? Absent<JsonOf<R>> extends true
    ? { body?: never }
    : { body: JsonOf<R> }
  : O extends { requestBody?: infer R }
    ? Absent<JsonOf<Exclude<R, undefined>>> extends true
      ? { body?: never }
      : { body?: JsonOf<Exclude<R, undefined>> }
    : { body?: never };

/** The JSON request body of the operation of `method` on `P` (never when it takes none). */
export type RequestBody<P extends keyof paths, M extends HttpMethod> =
  Operation<P, M> extends { requestBody?: infer R } ? JsonOf<Exclude<R, undefined>> : never;

/** The path, query and header parameters and the JSON body of operation `O`, as one options object. */
export type RequestOptions<O> = PathOption<O> & QueryOption<O> & HeaderOption<O> & BodyOption<O>;

/**
 * The options argument of a call of operation `O` with a client's own options `Extra` (a token, say): optional
 * when the operation requires nothing (`api.get('/api/products')`), required otherwise.
 */
export type OptionsArg<O, Extra = object> =
  object extends RequestOptions<O> ? [options?: RequestOptions<O> & Extra] : [options: RequestOptions<O> & Extra];

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206 | '2XX';
type ResponsesOf<O> = O extends { responses: infer R } ? R : never;

/**
 * The body of a 2xx answer of operation `O`: its JSON schema's type, `null` for an answer without content (204),
 * `unknown` for other content (HTML, an event stream).
 */
export type ResponseBody<O> = {
  [S in keyof ResponsesOf<O> & SuccessStatus]: ResponsesOf<O>[S] extends { content: { 'application/json': infer B } }
    ? B
    : ResponsesOf<O>[S] extends { content: unknown }
      ? unknown
      : null;
}[keyof ResponsesOf<O> & SuccessStatus];
