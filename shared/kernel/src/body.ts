import type { Context } from 'hono';
import type { z } from 'zod';
import { UnsupportedMediaTypeError, ValidationError } from './errors.ts';
import { zodFieldErrors } from './problem.ts';

/** Read and validate a JSON body; malformed JSON, wrong media type and schema failures are 4xx with field errors. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) throw new UnsupportedMediaTypeError();
  let raw: unknown;
  try {
    raw = await c.req.json();
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
