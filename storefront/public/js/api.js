// The storefront's only way out: gateway-global's /api, /auth/token and /auth/register. Errors arrive as RFC 9457
// problem+json and are turned into typed errors here, once, for the views to explain.

/**
 * @typedef {{ type?: string, title?: string, status: number, detail?: string, errors?: { path: string, message: string }[], error_description?: string }} Problem
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
 * @param {{ base?: string, session: import('./session.js').Session, fetch?: typeof fetch }} deps
 */
export function createApi(deps) {
  const base = deps.base ?? '';
  const doFetch = deps.fetch ?? globalThis.fetch.bind(globalThis);
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
   * Call the API. Public reads go without the token, so an expired session never breaks browsing.
   * @param {string} method
   * @param {string} path under /api, e.g. `/products?q=lamp`
   * @param {{ body?: unknown, auth?: boolean, headers?: Record<string, string> }} [options]
   * @returns {Promise<any>}
   */
  async function request(method, path, options = {}) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json', ...options.headers };
    if (options.auth) {
      const current = session.current();
      if (!current || !session.isActive()) {
        if (current) session.end();
        throw new SessionExpiredError();
      }
      headers.authorization = `Bearer ${current.token}`;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await send(`/api${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    if (res.status === 401 && options.auth) {
      session.end();
      throw new SessionExpiredError();
    }
    if (!res.ok) {
      const retryAfter = res.headers.get('retry-after');
      throw new ApiError(res.status, await problemOf(res), retryAfter ? Number(retryAfter) : null);
    }
    if (res.status === 204) return null;
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  return {
    request,
    /** @param {string} path @param {{ auth?: boolean }} [options] */
    get: (path, options) => request('GET', path, options),
    /** @param {string} path @param {unknown} body @param {{ headers?: Record<string, string> }} [options] */
    post: (path, body, options) => request('POST', path, { body, auth: true, ...options }),
    /** @param {string} path @param {unknown} body */
    patch: (path, body) => request('PATCH', path, { body, auth: true }),

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
      session.start(email, await res.json());
    },

    /**
     * Create a customer account (it does not sign in: signIn does, with the same e-mail and password).
     * @param {{ name: string, email: string, password: string }} account
     * @returns {Promise<{ id: string, email: string, name: string }>}
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
