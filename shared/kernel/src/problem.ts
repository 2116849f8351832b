import { ZodError } from 'zod';
import { HTTPException } from 'hono/http-exception';
import { DomainError, REFUSAL_STATUS } from './domain-error.ts';
import { AppError, type FieldError } from './errors.ts';
import { problemTypes, problemTypeUri, reasonPhrase, type ProblemKind } from './problem-types.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export function zodFieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/** `type` and `title` of a problem: its kind's, or `about:blank` and the status's reason phrase (RFC 9457 §4.2.1). */
export function problemHead(status: number, kind?: ProblemKind): Pick<Problem, 'type' | 'title'> {
  return kind ? { type: problemTypeUri(kind), title: problemTypes[kind].title } : { type: 'about:blank', title: reasonPhrase(status) };
}

/** A problem of `status` (and `kind`): the one way a problem body is built outside `toProblem`. */
export function problemOf(
  status: number,
  options: { kind?: ProblemKind; detail?: string; instance?: string; extensions?: Record<string, unknown> } = {},
): Problem {
  return { ...problemHead(status, options.kind), status, detail: options.detail, instance: options.instance, ...options.extensions };
}

/** The one mapping from anything thrown to an RFC 9457 problem. Unknown errors never leak details. */
export function toProblem(error: unknown, instance?: string): Problem {
  if (error instanceof DomainError) {
    const status = REFUSAL_STATUS[error.refusal];
    return problemOf(status, { kind: error.kind, detail: error.message, instance, extensions: error.facts });
  }
  if (error instanceof AppError) {
    return problemOf(error.status, { kind: error.kind, detail: error.message, instance, extensions: error.extensions });
  }
  if (error instanceof ZodError) {
    return problemOf(400, {
      kind: 'invalid-request',
      detail: 'The request is not valid.',
      instance,
      extensions: { errors: zodFieldErrors(error) },
    });
  }
  if (error instanceof HTTPException && error.status < 500) {
    return problemOf(error.status, { detail: error.message || undefined, instance });
  }
  return problemOf(500, { detail: 'Something went wrong on our side; it has been logged.', instance });
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}
