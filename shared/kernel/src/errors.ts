import { assertKindStatus, problemTypes, reasonPhrase, type ProblemKind } from './problem-types.ts';

/**
 * Typed domain/infrastructure errors. Routes throw these; `toProblem` maps them to RFC 9457
 * responses in exactly one place, so no handler builds an error body by hand.
 */
export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** The kind of problem (`problemTypes`), when a client can act on it; its status must be this error's. */
  kind?: ProblemKind;
  /** Members added to the problem (RFC 9457 extensions), e.g. `errors` or `orderStatus`. */
  extensions?: Record<string, unknown>;
  /** Response headers of the answer, e.g. `RateLimit` on a 429. */
  headers?: Record<string, string>;
}

/**
 * An error with its HTTP status. With a `kind`, the problem's `type` is that kind's URI and its title the
 * kind's; without one, `type` is `about:blank` and the title the status's reason phrase.
 */
export class AppError extends Error {
  readonly status: number;
  readonly kind: ProblemKind | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, detail?: string, options: AppErrorOptions = {}) {
    assertKindStatus(options.kind, status);
    const title = options.kind ? problemTypes[options.kind].title : reasonPhrase(status);
    super(detail ?? title);
    this.status = status;
    this.kind = options.kind;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  get title(): string {
    return this.kind ? problemTypes[this.kind].title : reasonPhrase(this.status);
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], detail = 'The request is not valid.') {
    super(400, detail, { kind: 'invalid-request', extensions: { errors } });
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail = 'A valid bearer token is required.') {
    super(401, detail);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = 'The token lacks a required scope.') {
    super(403, detail);
  }
}

export class NotFoundError extends AppError {
  constructor(detail = 'No such resource.') {
    super(404, detail);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, kind?: ProblemKind) {
    super(409, detail, { kind });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, `The request body exceeds ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super(415, 'Send the body as application/json.');
  }
}

/** 412: the `If-Match` a change was sent with names another version than the current one. */
export class PreconditionFailedError extends AppError {
  constructor(detail = 'The resource has changed since the version If-Match names; read it again.') {
    super(412, detail, { kind: 'stale-if-match' });
  }
}

/** 428: a change that must name the version it was made against came without `If-Match`. */
export class PreconditionRequiredError extends AppError {
  constructor(detail = 'Send If-Match with the ETag of the version this change was made against.') {
    super(428, detail, { kind: 'if-match-required' });
  }
}

/** 429 with `Retry-After`; `headers` (e.g. `RateLimit`, `RateLimit-Policy`) go on the answer too. */
export class TooManyRequestsError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(
    retryAfterSeconds: number,
    options: { kind?: 'rate-limited' | 'sign-in-locked'; detail?: string; headers?: Record<string, string> } = {},
  ) {
    super(429, options.detail ?? `Rate limit exceeded; retry in ${retryAfterSeconds} s.`, {
      kind: options.kind ?? 'rate-limited',
      headers: options.headers,
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(detail = 'A dependency is unavailable; try again shortly.', kind?: ProblemKind) {
    super(503, detail, { kind });
  }
}
