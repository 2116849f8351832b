import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from './errors.ts';
import { nodeBindings } from './node-bindings.ts';
import { zodFieldErrors } from './problem.ts';

/** What a service (and a gateway's check of announced lengths) accepts unless told otherwise. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * 413 when the request announces (Content-Length) a body larger than `maxBytes`. It looks only at the
 * header, so gateways use it before streaming a body through unread; a body that does not announce
 * its length is held to the limit by whoever reads it (readBodyText).
 *
 * @example
 * checkAnnouncedLength(c, DEFAULT_BODY_LIMIT); // throws PayloadTooLargeError for Content-Length: 70000
 */
export function checkAnnouncedLength(c: Context, maxBytes: number): void {
  const { incoming } = nodeBindings(c);
  const length = incoming ? incoming.headers['content-length'] : c.req.header('content-length');
  if (length !== undefined && Number(length) > maxBytes) throw new PayloadTooLargeError(maxBytes);
}

/**
 * The body limit of the routes below it: 413 at once for a body announced larger than `maxBytes`, and
 * readBodyText (readJson) holds a streamed body to the same limit. createServiceApp installs it for the
 * whole service; an endpoint with a narrower limit adds its own.
 *
 * @example
 * app.post('/auth/token', bodyLimit(8 * 1024), async (c) => tokenFor(await readBodyText(c)));
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<{ Variables: { bodyLimit: number } }> {
  return async (c, next) => {
    checkAnnouncedLength(c, maxBytes);
    c.set('bodyLimit', maxBytes);
    await next();
  };
}

/**
 * The request body as text, at most the route's body limit (bodyLimit; DEFAULT_BODY_LIMIT without one),
 * 413 beyond it. Served by @hono/node-server it is read straight from Node's request: asking Hono for it
 * builds a WHATWG Request and a web stream around Node's, a few percent of every service's CPU under load.
 *
 * @example
 * const text = await readBodyText(c); // '' for an empty body
 */
export function readBodyText(c: Context): Promise<string> {
  const limit: number = c.get('bodyLimit') ?? DEFAULT_BODY_LIMIT;
  return readLimited(nodeBindings(c).incoming ?? requestStream(c), limit);
}

/**
 * Under `app.request()` there is no Node request, and the route tests of every package post their bodies
 * that way; the Request's stream is made a Node stream so that the one reader below serves both. Tests
 * over a real socket (body.test.ts) show that the Node request itself is read.
 */
function requestStream(c: Context): Readable {
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as NodeWebStream<Uint8Array>) : Readable.from([]);
}

/** Collects until the end or the limit; past the limit the rest is let through unread, so the 413 can still be sent. */
function readLimited(stream: Readable, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const stop = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      stream.resume();
      reject(new PayloadTooLargeError(limit));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    stream.on('data', onData).on('end', onEnd).on('error', onError);
    // A 'data' listener starts a stream only if nothing paused it before; read it either way.
    if (stream.readableEnded) onEnd();
    else stream.resume();
  });
}

/** Read and validate a JSON body; malformed JSON, wrong media type and schema failures are 4xx with field errors. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) throw new UnsupportedMediaTypeError();
  const text = await readBodyText(c);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ValidationError([{ path: '(body)', message: 'Malformed JSON' }], 'The body is not valid JSON.');
  }
  return validate(schema, raw);
}

/** Validate query parameters (strings) against a schema that coerces them. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return validate(schema, c.req.query());
}

/** Validate a value against a schema; a failure is a 400 listing every field error. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodFieldErrors(result.error));
  return result.data;
}
