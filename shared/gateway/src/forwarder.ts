import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Agent, errors as undiciErrors } from 'undici';
import { context, propagation } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import {
  ServiceUnavailableError,
  AppError,
  nodeBindings,
  checkAnnouncedLength,
  DEFAULT_BODY_LIMIT,
  PayloadTooLargeError,
} from '@retail/kernel';
import { isIdempotent, type Pool } from '@retail/http-client';

const HOP_BY_HOP = new Set([
  'connection',
  // Node's server has already answered 100-continue; undici refuses to send the header on.
  'expect',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** W3C trace context and baggage: the gateway sends its own (its server span's) in place of the caller's. */
const TRACE_CONTEXT = new Set(['traceparent', 'tracestate', 'baggage']);

export interface ForwardTarget {
  /** e.g. `http://127.0.0.1:4101`: one instance; or `pool`. */
  origin?: string;
  /**
   * The instances of the target, balanced (least outstanding requests, failing ones ejected). A request
   * that got no answer is sent once more to another instance when that is safe: it had no body, or it is
   * idempotent (by method or Idempotency-Key) and its body was kept for it.
   */
  pool?: Pool;
  /** Path and query on the target, e.g. `/products/SKU-1?x=1`. */
  path: string;
  /** Headers to set or replace (e.g. the internal token). */
  headers: Record<string, string>;
  /** Shown in the 503 when the target is down. */
  name: string;
  /** Prepended to a path-only Location header, when the caller sees the target under a prefix (`/api`). */
  locationPrefix?: string;
  /** This route's body limit, when it is not the forwarder's (a route's `maxBodyBytes`). */
  maxBodyBytes?: number;
  /** A stream's end (epoch ms): the answer ends then, however much more the target would send (the caller's token expires). */
  endAt?: number;
}

export interface Forwarder {
  forward(c: Context, target: ForwardTarget): Promise<Response>;
  close(): Promise<void>;
}

export interface ForwarderOptions {
  /** Bodies announced larger get 413 here; one that does not announce its length meets the service's own limit. */
  maxBodyBytes?: number;
  timeoutMs?: number;
  connectionsPerOrigin?: number;
}

const isTimeout = (error: unknown) => error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError;

/** The connection was refused: nothing reached the instance, so any request may go to another. */
const refused = (error: unknown) => (error as { code?: string }).code === 'ECONNREFUSED';

/** The whole body, for a request that may be sent twice; no more than `limit` bytes (413). */
async function readWhole(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) throw new PayloadTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** An abort signal that fires at `at` (epoch ms), and the means to call it off. */
function endAt(at: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(0, at - Date.now()));
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

function prefixLocation(location: string | string[] | undefined, prefix: string | undefined) {
  if (!prefix || typeof location !== 'string' || !location.startsWith('/')) return location;
  return prefix + location;
}

/**
 * The gateway hot path: keep-alive undici Agent, request body streamed from the Node request and the
 * upstream response streamed straight into the Node response (no fetch(), no Web-stream copies).
 * Under `app.request()` in tests there is no Node response, so the same call returns a Response instead.
 */
export function createForwarder(options: ForwarderOptions = {}): Forwarder {
  const { maxBodyBytes = DEFAULT_BODY_LIMIT, timeoutMs = 10_000, connectionsPerOrigin = 128 } = options;
  const agent = new Agent({
    connections: connectionsPerOrigin,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  const upstreamHeaders = (source: IncomingHttpHeaders | Headers, target: ForwardTarget, c: Context) => {
    const out: Record<string, string | string[]> = {};
    // The next hop continues from this gateway's server span. Gateways make no client span per forwarded
    // request (see startTelemetry's httpClientSpans): two spans per hop instead of four halves what
    // tracing costs the gateway path. Without telemetry nothing is injected and the caller's passes on.
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    const traced = traceHeaders.traceparent !== undefined;
    const put = (key: string, value: string | string[] | undefined) => {
      if (value !== undefined && !HOP_BY_HOP.has(key) && !(traced && TRACE_CONTEXT.has(key))) out[key] = value;
    };
    if (source instanceof Headers) for (const [key, value] of source) put(key, value);
    else for (const key in source) put(key, source[key]);
    const forwardedFor = nodeBindings(c).incoming?.socket.remoteAddress;
    if (forwardedFor) out['x-forwarded-for'] = out['x-forwarded-for'] ? `${out['x-forwarded-for']}, ${forwardedFor}` : forwardedFor;
    const requestId = c.get('requestId') as string | undefined;
    if (requestId) out['x-request-id'] = requestId;
    Object.assign(out, traceHeaders, target.headers);
    return out;
  };

  const failure = (error: unknown, target: ForwardTarget): AppError => {
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
      return new AppError(504, `${target.name} did not answer in time.`);
    }
    return new ServiceUnavailableError(`${target.name} is unavailable; try again shortly.`);
  };

  /** One try at one instance, answer streamed straight into the Node response. */
  const streamTo = async (
    origin: string,
    c: Context,
    target: ForwardTarget,
    body: IncomingMessage | Buffer | null,
    incoming: IncomingMessage,
    outgoing: NonNullable<ReturnType<typeof nodeBindings>['outgoing']>,
  ) => {
    target.pool?.begin(origin);
    let ok = false;
    const ending = target.endAt === undefined ? undefined : endAt(target.endAt);
    try {
      await agent.stream(
        {
          origin,
          path: target.path,
          method: c.req.method as 'GET',
          headers: upstreamHeaders(incoming.headers, target, c),
          body,
          signal: ending?.signal,
        },
        ({ statusCode, headers }) => {
          for (const key of Object.keys(headers)) if (HOP_BY_HOP.has(key)) delete headers[key];
          if (headers.location) headers.location = prefixLocation(headers.location, target.locationPrefix);
          outgoing.writeHead(statusCode, headers as Record<string, string | string[]>);
          return outgoing;
        },
      );
      ok = true;
    } catch (error) {
      // Its time is up: the answer ends cleanly (the client reconnects, with a fresh token).
      if (!ending?.signal.aborted || !outgoing.headersSent) throw error;
      ok = true;
      outgoing.end();
    } finally {
      ending?.clear();
      target.pool?.end(origin, ok);
    }
  };

  return {
    async forward(c, target) {
      const method = c.req.method;
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const { incoming, outgoing } = nodeBindings(c);
      const limit = target.maxBodyBytes ?? maxBodyBytes;
      checkAnnouncedLength(c, limit);
      const pool = target.pool;
      const origin = pool ? pool.pick() : target.origin!;

      if (incoming && outgoing) {
        // Headers earlier middleware set on Hono's response (CORS, X-Request-Id) are staged on the Node
        // response; Node merges them into writeHead, where the upstream's own headers win.
        c.res.headers.forEach((value, key) => {
          if (key !== 'content-type' && key !== 'content-length') outgoing.setHeader(key, value);
        });
        const idempotent = pool !== undefined && isIdempotent(method, incoming.headers) && pool.hasOther(origin);
        // Kept only where a second try may need it: otherwise the body streams through untouched.
        const body = hasBody ? (idempotent ? await readWhole(incoming, limit) : incoming) : null;
        try {
          await streamTo(origin, c, target, body, incoming, outgoing);
        } catch (error) {
          if (outgoing.headersSent) {
            outgoing.destroy();
            return RESPONSE_ALREADY_SENT;
          }
          const again = pool?.hasOther(origin) && !isTimeout(error) && (idempotent || (!hasBody && refused(error)));
          if (!again || !pool) throw failure(error, target);
          try {
            await streamTo(pool.pick(origin), c, target, body, incoming, outgoing);
          } catch (last) {
            if (outgoing.headersSent) {
              outgoing.destroy();
              return RESPONSE_ALREADY_SENT;
            }
            throw failure(last, target);
          }
        }
        return RESPONSE_ALREADY_SENT;
      }

      const body = hasBody ? Buffer.from(await c.req.arrayBuffer()) : null;
      const once = async (at: string) => {
        pool?.begin(at);
        try {
          const res = await agent.request({
            origin: at,
            path: target.path,
            method: method as 'GET',
            headers: upstreamHeaders(c.req.raw.headers, target, c),
            body,
          });
          pool?.end(at, true);
          return res;
        } catch (error) {
          pool?.end(at, false);
          throw error;
        }
      };
      try {
        let res: Awaited<ReturnType<typeof once>>;
        try {
          res = await once(origin);
        } catch (error) {
          const headers = Object.fromEntries(c.req.raw.headers);
          if (!pool?.hasOther(origin) || isTimeout(error) || !(isIdempotent(method, headers) || (!hasBody && refused(error)))) throw error;
          res = await once(pool.pick(origin));
        }
        const headers = new Headers();
        if (res.headers.location) res.headers.location = prefixLocation(res.headers.location, target.locationPrefix);
        for (const [key, value] of Object.entries(res.headers)) {
          if (HOP_BY_HOP.has(key) || value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
        }
        const stream = res.statusCode === 204 || res.statusCode === 304 ? null : (Readable.toWeb(res.body) as ReadableStream);
        return new Response(stream, { status: res.statusCode, headers });
      } catch (error) {
        throw failure(error, target);
      }
    },
    close: () => agent.close(),
  };
}
