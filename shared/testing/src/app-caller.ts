/** What a test request carries: a bearer token, a JSON body (or a raw one, e.g. malformed JSON), headers. */
export interface CallOptions {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

/** An app that answers requests in process (Hono's `app.request`). */
interface InProcessApp {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/**
 * Requests to an app in process, as its gateway would send them: JSON by default, the token as a bearer.
 * The app is asked for on every call, so a test may build a fresh one in each `beforeEach`.
 */
export function appCaller(app: () => InProcessApp) {
  return (method: string, path: string, options: CallOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined || options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = options.raw ?? JSON.stringify(options.body);
    }
    return app().request(path, { method, headers, body });
  };
}
