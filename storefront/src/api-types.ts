// The types of the storefront's API calls (public/js/api.js), from the public API's OpenAPI document. Types
// only: the browser loads nothing from here; the JSDoc of public/js refers to it, and tsc checks the calls.
import type { components } from '@retail/contracts/public-api';
import type { HttpMethod, Operation, OptionsArg, PathsWith, ResponseBody } from '@retail/contracts/public-api-calls';

export type { RequestBody } from '@retail/contracts/public-api-calls';

/** The public API's component schemas: `Schemas['CatalogItem']`, `Schemas['Order']`, … */
export type Schemas = components['schemas'];

/** What the storefront adds to a call: `auth` sends the signed-in user's token (reads go without it unless asked; writes always send it). */
export interface CallOptions {
  auth?: boolean;
}

/**
 * A call of the public API by route template, in the style of openapi-fetch:
 * `api.get('/api/products/{sku}', { path: { sku } })`, `api.post('/api/orders', { body, headers })`. The template
 * is a key of the generated `paths`, the parameters and body are the operation's, and the promise resolves with
 * its 2xx JSON body (null for a 204).
 */
export type ApiCall<M extends HttpMethod> = <P extends PathsWith<M>>(
  path: P,
  ...options: OptionsArg<Operation<P, M>, CallOptions>
) => Promise<ResponseBody<Operation<P, M>>>;

/** The same options as the implementation sees them: whatever the operation, before its template is filled in. */
export interface RequestOptions extends CallOptions {
  path?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
}
