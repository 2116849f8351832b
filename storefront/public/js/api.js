// The storefront's only way out: gateway-global's /api, /auth/token and /auth/register. Calls are typed from the
// public API's OpenAPI document (src/api-types.ts): `api.get('/api/products/{sku}', { path: { sku } })` checks the
// route template, its parameters and body, and gives the operation's 2xx body. Errors arrive as RFC 9457
// problem+json (an OAuth error from /auth/token) and are turned into typed errors here, once, for the views to explain.

/** @typedef {import('../../src/api-types.ts').Schemas} Schemas */
/** @typedef {import('../../src/api-types.ts').RequestOptions} RequestOptions */
/**
 * What an error answer said: a problem (`detail`, `errors`), an OAuth error (`error_description`), or only its status.
 * @typedef {Partial<Schemas['Problem']> & Partial<Schemas['OauthError']> & { status: number }} Problem
 */

/** The API answered with an error (4xx/5xx). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Problem} problem
   * @param {number | null} retryAfter seconds, from a 429
   */
  constructor(status, problem, retryAfter = null) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** The token was refused or has run out: the user must sign in again (the cart is kept). */
export class SessionExpiredError extends Error {
  constructor() {
    super('Your session has expired.');
  }
}

/** No answer at all: the gateway cannot be reached. */
export class NetworkError extends Error {
  constructor() {
    super('The shop cannot be reached.');
  }
}

/**
 * A 503 with a short Retry-After is a pause, not a failure: while the orders cell moves a customer to
 * another partition, their writes answer 503 + `Retry-After: 1` for about a second. Requests that are safe
 * to send again — reads, placing an order (its Idempotency-Key makes a repeat the same order) and
 * cancelling one — are sent again after that many seconds (at most PAUSE_MAX_SECONDS), up to
 * PAUSE_RETRIES times; then the 503 is an ApiError as any other.
 */
const PAUSE_RETRIES = 5;
// A move says 1; a partition that is down says 5, and that is reported at once, not waited out.
const PAUSE_MAX_SECONDS = 2;

/** `Retry-After` in seconds (its delay-seconds form), or null. */
const retryAfterOf = (/** @type {Response} */ res) => {
  const value = res.headers.get('retry-after')?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : null;
};

/**
 * Whether a request may be sent again after a 503: a read, a POST carrying an Idempotency-Key, or cancelling an order.
 * @param {string} method
 * @param {string} template the route template, e.g. `/api/orders/{id}/cancel`
 * @param {Record<string, string>} headers
 */
const safeToRepeat = (method, template, headers) =>
  method === 'GET' ||
  (method === 'POST' &&
    (Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key') || template === '/api/orders/{id}/cancel'));

/**
 * The URL path of a route template with its parameters: each path parameter URI-encoded into its `{name}`, the
 * query parameters after `?` (an array as the parameter repeated; undefined and null ones left out).
 * @param {string} template e.g. `/api/products/{sku}`
 * @param {Pick<RequestOptions, 'path' | 'query'>} [params]
 */
export function urlOf(template, params = {}) {
  const path = template.replace(/\{([^}]+)\}/g, (_, /** @type {string} */ name) => {
    const value = params.path?.[name];
    if (value === undefined) throw new TypeError(`${template}: no value for {${name}}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== null) search.append(name, String(item));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * @param {{ base?: string, session: import('./session.js').Session, fetch?: typeof fetch, sleep?: (ms: number) => Promise<void> }} deps
 */
export function createApi(deps) {
  const base = deps.base ?? '';
  const doFetch = deps.fetch ?? globalThis.fetch.bind(globalThis);
  const sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const { session } = deps;

  /**
   * @param {string} url
   * @param {RequestInit} init
   */
  const send = async (url, init) => {
    try {
      return await doFetch(base + url, init);
    } catch {
      throw new NetworkError();
    }
  };

  /** The session's `Authorization` value; SessionExpiredError when there is none or it has run out. */
  const bearer = () => {
    const current = session.current();
    if (!current || !session.isActive()) {
      if (current) session.end();
      throw new SessionExpiredError();
    }
    return `Bearer ${current.token}`;
  };

  /** @param {Response} res */
  const problemOf = async (res) => {
    const text = await res.text();
    try {
      return /** @type {Problem} */ (JSON.parse(text));
    } catch {
      return { status: res.status, title: res.statusText };
    }
  };

  /**
   * Call the API and give back its successful answer (errors thrown as typed errors). Public reads go
   * without the token, so an expired session never breaks browsing.
   * @param {string} method
   * @param {string} template a route template of the public API, e.g. `/api/products/{sku}`
   * @param {RequestOptions} [options] its path and query parameters, body and headers; `auth` to send the token
   * @returns {Promise<Response>}
   */
  async function answer(method, template, options = {}) {
    const url = urlOf(template, options);
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json', ...options.headers };
    if (options.auth) headers.authorization = bearer();
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const init = { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) };
    let res = await send(url, init);
    // A short pause (a customer being moved between partitions): the same request again, same Idempotency-Key.
    for (let retries = 0; res.status === 503 && retries < PAUSE_RETRIES && safeToRepeat(method, template, headers); retries++) {
      const wait = retryAfterOf(res);
      if (wait === null || wait > PAUSE_MAX_SECONDS) break;
      await res.body?.cancel();
      await sleep(wait * 1000);
      res = await send(url, init);
    }
    if (res.status === 401 && options.auth) {
      session.end();
      throw new SessionExpiredError();
    }
    if (!res.ok) {
      const retryAfter = res.headers.get('retry-after');
      throw new ApiError(res.status, await problemOf(res), retryAfter ? Number(retryAfter) : null);
    }
    return res;
  }

  /** @param {Response} res the JSON body of an answer, null for none */
  const bodyOf = async (res) => {
    if (res.status === 204) return null;
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };

  /**
   * Call the API: its answer's JSON body.
   * @param {string} method
   * @param {string} template
   * @param {RequestOptions} [options]
   * @returns {Promise<any>}
   */
  const request = async (method, template, options = {}) => bodyOf(await answer(method, template, options));

  /** @type {import('../../src/api-types.ts').ApiCall<'get'>} */
  const get = (path, ...options) => request('GET', path, options[0]);
  /** @type {import('../../src/api-types.ts').ApiCall<'post'>} */
  const post = (path, ...options) => request('POST', path, { auth: true, ...options[0] });
  /** @type {import('../../src/api-types.ts').ApiCall<'patch'>} */
  const patch = (path, ...options) => request('PATCH', path, { auth: true, ...options[0] });

  return {
    /** A read, e.g. `get('/api/products', { query: { q: 'lamp' } })`: without the token unless `auth: true`. */
    get,
    /** A write with a JSON body, e.g. `post('/api/orders', { body, headers: { 'Idempotency-Key': key } })`: with the token. */
    post,
    /** A change, e.g. `patch('/api/products/{sku}', { path: { sku }, body, headers: { 'If-Match': etag } })`: with the token. */
    patch,

    /**
     * A read with its `ETag`, for a change made against what was read: sent back as `If-Match`, it makes the
     * change fail (412) rather than overwrite someone else's made since, e.g. `getTagged('/api/products/{sku}', { path: { sku } })`.
     * @param {string} template
     * @param {RequestOptions} [options]
     * @returns {Promise<{ body: any, etag: string | null }>}
     */
    async getTagged(template, options) {
      const res = await answer('GET', template, options);
      return { etag: res.headers.get('etag'), body: await bodyOf(res) };
    },

    /**
     * Open the signed-in customer's stream of server-sent events (`/api/orders/events`), resuming after
     * `lastEventId` when given: the answer, its body still to be read (see order-stream.js).
     * @param {'/api/orders/events'} template
     * @param {{ lastEventId?: string, signal?: AbortSignal }} [options]
     * @returns {Promise<Response>}
     */
    async events(template, options = {}) {
      /** @type {Record<string, string>} */
      const headers = { accept: 'text/event-stream', authorization: bearer() };
      if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
      const res = await send(template, { headers, signal: options.signal });
      if (res.status === 401) {
        session.end();
        throw new SessionExpiredError();
      }
      if (!res.ok) throw new ApiError(res.status, await problemOf(res), retryAfterOf(res));
      return res;
    },

    /**
     * OAuth2 password grant for the demo users and registered customers.
     * @param {string} email
     * @param {string} password
     */
    async signIn(email, password) {
      const res = await send('/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'password', username: email, password }),
      });
      if (!res.ok) throw new ApiError(res.status, await problemOf(res));
      session.start(email, /** @type {Schemas['TokenResponse']} */ (await res.json()));
    },

    /**
     * Create a customer account (it does not sign in: signIn does, with the same e-mail and password).
     * @param {import('../../src/api-types.ts').RequestBody<'/auth/register', 'post'>} account
     * @returns {Promise<Schemas['Customer']>}
     */
    async register(account) {
      const res = await send('/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(account),
      });
      if (!res.ok) {
        const retryAfter = res.headers.get('retry-after');
        throw new ApiError(res.status, await problemOf(res), retryAfter ? Number(retryAfter) : null);
      }
      return res.json();
    },
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */
