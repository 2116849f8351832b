export {
  AppError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  TooManyRequestsError,
  ServiceUnavailableError,
  PreconditionFailedError,
  PreconditionRequiredError,
  type AppErrorOptions,
  type FieldError,
} from './errors.ts';
export { DomainError, REFUSAL_STATUS, type Refusal } from './domain-error.ts';
export { toProblem, problemOf, problemResponse, zodFieldErrors, PROBLEM_CONTENT_TYPE, type Problem } from './problem.ts';
export {
  problemTypes,
  problemTypeUri,
  problemKindOf,
  isProblemKind,
  reasonPhrase,
  PROBLEM_TYPES_PATH,
  type ProblemKind,
  type ProblemTypeEntry,
} from './problem-types.ts';
export { createServiceApp, requiresAuthentication, ALWAYS_OPEN_PATHS, type ServiceAppOptions, type ServiceRequest } from './app.ts';
export { versionETag, requireIfMatch, ifMatchAllows, type IfMatch } from './conditional.ts';
export { canonicalJson, requestHash } from './request-hash.ts';
export { readJson, readQuery, validate, readBodyText, bodyLimit, checkAnnouncedLength, DEFAULT_BODY_LIMIT } from './body.ts';
export { nodeBindings, type NodeBindings } from './node-bindings.ts';
export { parseEnv, commonEnv, natsEnv, discoveryEnv, dataDirEnv, cellServiceEnv, port, booleanFlag, ConfigError } from './env.ts';
export { secret, runMode, devNatsPassword, MIN_DEPLOYED_SECRET_LENGTH, type RunMode } from './secrets.ts';
export { createLogger, type Logger, type LoggerOptions } from './logger.ts';
export { serveApp, type RunningServer, type ServeOptions } from './serve.ts';
export { runMain } from './main.ts';
