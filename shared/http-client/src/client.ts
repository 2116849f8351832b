import { Agent, type Dispatcher, errors as undiciErrors } from 'undici';
import { ServiceUnavailableError } from '@retail/kernel';
import { BreakerOpenError, type CircuitBreaker } from './breaker.ts';
import { fixedPool, type Pool } from './pool.ts';

export interface HttpResponse<T = any> {
  status: number;
  body: T;
}

/** A non-2xx answer from the other service; `body` is usually its problem+json. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: any;
  constructor(status: number, body: any, target: string) {
    super(`${target} answered ${status}${body?.detail ? `: ${body.detail}` : ''}`);
    this.status = status;
    this.body = body;
  }
}

export interface HttpClientOptions {
  /** e.g. `http://127.0.0.1:4301`: one instance. */
  baseUrl?: string;
  /** The instances of the other side, balanced (registry's `pool`); instead of `baseUrl`. */
  pool?: Pool;
  /** Named in errors: `inventory stock`. */
  name: string;
  timeoutMs?: number;
  /** A bearer token for every call (cached by its source). */
  token?: () => Promise<string>;
  /** Fail fast while the other side is down. Only failures to get an answer count, not 4xx. */
  breaker?: CircuitBreaker;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** On behalf of a caller: this bearer token (the caller's) instead of the client's own. */
  token?: string;
}

export interface HttpClient {
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  close(): Promise<void>;
}

/**
 * JSON over HTTP between services on a keep-alive undici Agent. Timeouts and refused connections
 * become a 503 ServiceUnavailableError (and count against the breaker); other non-2xx answers are
 * thrown as HttpError for the caller to map.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { name, timeoutMs = 3_000 } = options;
  const pool = options.pool ?? fixedPool(name, options.baseUrl ?? '');
  const agent = new Agent({
    connections: 64,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: timeoutMs,
  });

  const attempt = async (origin: string, method: string, path: string, headers: Record<string, string>, body: string | null) => {
    pool.begin(origin);
    try {
      const res = await agent.request({ origin, path, method: method as 'GET', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      pool.end(origin, true);
      return res;
    } catch (error) {
      pool.end(origin, false);
      throw error;
    }
  };

  const send = async (method: string, path: string, request: RequestOptions): Promise<HttpResponse> => {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const token = request.token ?? (options.token && (await options.token()));
    if (token) headers.authorization = `Bearer ${token}`;
    const body = request.body === undefined ? null : JSON.stringify(request.body);
    let res: Dispatcher.ResponseData;
    const origin = pool.pick();
    try {
      res = await attempt(origin, method, path, headers, body);
    } catch (error) {
      // Once, on another instance: a request that is safe to repeat and got no answer (not a slow one).
      const retry = !isTimeout(error) && isIdempotent(method, headers) && pool.hasOther(origin);
      try {
        if (!retry) throw error;
        res = await attempt(pool.pick(origin), method, path, headers, body);
      } catch (last) {
        throw new ServiceUnavailableError(
          isTimeout(last) ? `${name} did not answer in time (timeout); try again shortly.` : `${name} is unavailable; try again shortly.`,
        );
      }
    }
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (res.statusCode >= 500) throw new ServiceUnavailableError(`${name} failed (${res.statusCode}); try again shortly.`);
    if (res.statusCode >= 400) throw new HttpError(res.statusCode, parsed, name);
    return { status: res.statusCode, body: parsed };
  };

  return {
    async request(method, path, request = {}) {
      const call = () => send(method, path, request);
      if (!options.breaker) return call();
      try {
        // A 4xx is an answer: the other side is up, so it does not count against the breaker.
        return await options.breaker.run(call, (error) => !(error instanceof HttpError));
      } catch (error) {
        if (error instanceof BreakerOpenError)
          throw new ServiceUnavailableError(`${name} is unavailable (circuit open); try again shortly.`);
        throw error;
      }
    },
    close: () => agent.close(),
  };
}

/** Safe to send twice: by its method, or by the Idempotency-Key the other side deduplicates on. */
export const isIdempotent = (method: string, headers: Record<string, string | string[] | undefined>) =>
  method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'DELETE' || headers['idempotency-key'] !== undefined;

function isTimeout(error: unknown): boolean {
  return (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    (error instanceof Error && error.name === 'TimeoutError')
  );
}
