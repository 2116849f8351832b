import { ZodError } from 'zod';
import { HTTPException } from 'hono/http-exception';
import { type Refusal, DomainError } from './domain-error.ts';
import { AppError, type FieldError } from './errors.ts';

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

const REFUSALS: Record<Refusal, { status: number; title: string }> = {
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  unprocessable: { status: 422, title: 'Unprocessable content' },
};

/** The one mapping from anything thrown to an RFC 9457 problem. Unknown errors never leak details. */
export function toProblem(error: unknown, instance?: string): Problem {
  if (error instanceof DomainError) {
    const { status, title } = REFUSALS[error.refusal];
    return { type: 'about:blank', title, status, detail: error.message, instance, ...error.facts };
  }
  if (error instanceof AppError) {
    return {
      type: 'about:blank',
      title: error.title,
      status: error.status,
      detail: error.message,
      instance,
      ...error.extensions,
    };
  }
  if (error instanceof ZodError) {
    return {
      type: 'about:blank',
      title: 'Invalid request',
      status: 400,
      detail: 'The request is not valid.',
      instance,
      errors: zodFieldErrors(error),
    };
  }
  if (error instanceof HTTPException && error.status < 500) {
    return { type: 'about:blank', title: error.message || 'Bad request', status: error.status, instance };
  }
  return {
    type: 'about:blank',
    title: 'Internal server error',
    status: 500,
    detail: 'Something went wrong on our side; it has been logged.',
    instance,
  };
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}
