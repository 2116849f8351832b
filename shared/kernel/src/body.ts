import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from './errors.ts';
import { nodeBindings } from './node-bindings.ts';
import { zodFieldErrors } from './problem.ts';

/** What a service accepts unless its app says otherwise. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * 413 for a body announced larger than `maxBytes`; bodies that do not announce their length are held to
 * the same limit while they are read (readBodyText). It looks only at the header, so a request that
 * nobody reads costs nothing more.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<{ Variables: { bodyLimit: number } }> {
  return async (c, next) => {
    const { incoming } = nodeBindings(c);
    const length = incoming ? incoming.headers['content-length'] : c.req.header('content-length');
    if (length !== undefined && Number(length) > maxBytes) throw new PayloadTooLargeError(maxBytes);
    c.set('bodyLimit', maxBytes);
    await next();
  };
}

/**
 * The request body as text, at most the app's body limit (413 beyond it). Served by @hono/node-server,
 * it is read straight from Node's request: asking Hono for it builds a WHATWG Request and a web stream
 * around Node's, a few percent of every service's CPU under load. Under `app.request()` (tests) it
 * reads the Request's stream.
 */
export async function readBodyText(c: Context): Promise<string> {
  const limit: number = c.get('bodyLimit') ?? DEFAULT_BODY_LIMIT;
  const { incoming } = nodeBindings(c);
  if (incoming) return readNodeBody(incoming, limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of (c.req.raw.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new PayloadTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Collects until the end or the limit; past the limit the rest is let through unread, so the 413 can still be sent. */
function readNodeBody(incoming: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      incoming.resume();
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
    incoming.on('data', onData).on('end', onEnd).on('error', onError);
    // A 'data' listener starts a stream only if nothing paused it before; read it either way.
    if (incoming.readableEnded) onEnd();
    else incoming.resume();
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

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodFieldErrors(result.error));
  return result.data;
}
