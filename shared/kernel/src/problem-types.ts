/**
 * The kinds of problem a client can tell apart by a problem's `type` (RFC 9457): one registry for the
 * whole system, read by `toProblem` (title and status), by gateway-global (`GET /api/problems/:kind`
 * describes each) and by the API documents. A problem of no kind here has `type: 'about:blank'` and
 * the status's reason phrase as its title.
 *
 * A kind is named for what happened, not for where: the same kind means the same thing in every cell.
 * Its status is fixed; its `title` is the same on every occurrence (the `detail` says what is
 * particular), and `description` says what a client may do about it.
 */
export interface ProblemTypeEntry {
  status: number;
  title: string;
  description: string;
}

export const problemTypes = {
  'invalid-request': {
    status: 400,
    title: 'Invalid request',
    description:
      'The body, the query or a header is not valid. `errors` lists each field that is not, as `{ path, message }`; correct them and send the request again.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency-Key reused',
    description:
      'This Idempotency-Key was used before with a different request. Nothing was done: send a new request with a new key, or the earlier request unchanged to get its answer again.',
  },
  'if-match-required': {
    status: 428,
    title: 'If-Match required',
    description:
      'Changing this resource needs an `If-Match` header with the `ETag` of the version the change was made against: read the resource first, then send its ETag.',
  },
  'stale-if-match': {
    status: 412,
    title: 'Resource changed',
    description:
      'The resource has changed since the version the `If-Match` header names (someone else changed it, or it was read from a copy that had not caught up). Nothing was done: read it again and redo the change on the current version.',
  },
  'rate-limited': {
    status: 429,
    title: 'Rate limit exceeded',
    description:
      'Too many requests from this client. Wait as many seconds as `Retry-After` says; `RateLimit` and `RateLimit-Policy` describe the quota.',
  },
  'sign-in-locked': {
    status: 429,
    title: 'Too many sign-in attempts',
    description:
      'Signing in to this account, or from this address, failed too often, so it is locked for a while. Wait as many seconds as `Retry-After` says before trying again.',
  },
  'email-taken': {
    status: 409,
    title: 'E-mail address taken',
    description: 'An account with this e-mail address exists already: sign in instead, or use another address.',
  },
  'duplicate-sku': {
    status: 409,
    title: 'Duplicate SKU',
    description: 'A product with this SKU exists already: change that product, or choose another SKU.',
  },
  'insufficient-stock': {
    status: 409,
    title: 'Insufficient stock',
    description:
      'The adjustment would leave fewer units on hand than zero, or than are reserved for orders. Nothing was changed; `detail` gives the figures.',
  },
  'order-state-conflict': {
    status: 409,
    title: 'Order state does not allow this',
    description:
      'The order is in a state that does not allow the change, e.g. it cannot be cancelled once dispatched. `orderStatus`, when present, is its current status.',
  },
  'shipment-state-conflict': {
    status: 409,
    title: 'Shipment state does not allow this',
    description:
      'The shipment is in a state that does not allow the step (dispatch, delivery) asked for. `shipmentStatus` is its current status.',
  },
  'customer-moving': {
    status: 503,
    title: 'Customer being moved',
    description:
      'The customer is being moved to another partition of the cell that serves them, or has just been: nothing was written. Send the same request again after `Retry-After` (a second).',
  },
  'prices-unknown': {
    status: 503,
    title: 'Prices not known yet',
    description:
      'The cell that takes orders has not yet heard any product prices (it is catching up with the catalog, e.g. after a fresh start): nothing was written. Send the same request again after `Retry-After`.',
  },
  'customer-frozen': {
    status: 409,
    title: 'Customer frozen for a move',
    description:
      'Inside the orders cell: the customer is frozen for a move to another partition, or has moved away, so nothing of theirs is written in this one. `moving` names the partition they go to.',
  },
  'order-moved': {
    status: 410,
    title: 'Order moved',
    description: 'The order has moved to another partition for good. `partition` names where it is now.',
  },
  'partition-unavailable': {
    status: 503,
    title: 'Partition unavailable',
    description:
      'The partition of the cell that serves this customer is down or does not answer; the rest of the system still serves. Try again after `Retry-After`. `X-Cell-Partition` names the partition.',
  },
  'migration-in-progress': {
    status: 409,
    title: 'Move in progress',
    description: 'The customer is being moved already: wait for that move to end. `migrationId` names it.',
  },
  'already-in-partition': {
    status: 409,
    title: 'Already in that partition',
    description: 'The customer is served by that partition already; there is nothing to move.',
  },
  'partition-not-taking': {
    status: 409,
    title: 'Partition not taking customers',
    description: 'The partition cannot take customers now: it is down or draining, or its gateway does not answer. `partition` names it.',
  },
  'customer-placed-elsewhere': {
    status: 409,
    title: 'Customer placed elsewhere',
    description:
      'The customer is served by another partition, which holds their orders: an override cannot move them; a move (`POST /cells/migrations`) takes their orders along.',
  },
  'move-conflict': {
    status: 409,
    title: 'Move conflict',
    description:
      'Inside the orders cell: a step of a move does not fit where the customer stands in this partition (another move, another state).',
  },
} as const satisfies Record<string, ProblemTypeEntry>;

export type ProblemKind = keyof typeof problemTypes;

/** Where the problem types are described, relative to the public origin: `/api/problems/<kind>`. */
export const PROBLEM_TYPES_PATH = '/api/problems';

/** The `type` URI of a kind: path-absolute, `/api/problems/insufficient-stock`. */
export const problemTypeUri = (kind: ProblemKind): string => `${PROBLEM_TYPES_PATH}/${kind}`;

export const isProblemKind = (value: unknown): value is ProblemKind => typeof value === 'string' && Object.hasOwn(problemTypes, value);

/**
 * The kind a problem's `type` names (as another service answered it), or undefined for `about:blank` and
 * anything unknown; with `status`, only a kind of that status (a problem relayed under its own status).
 */
export function problemKindOf(type: unknown, status?: number): ProblemKind | undefined {
  if (typeof type !== 'string' || !type.startsWith(`${PROBLEM_TYPES_PATH}/`)) return undefined;
  const kind = type.slice(PROBLEM_TYPES_PATH.length + 1);
  return isProblemKind(kind) && (status === undefined || problemTypes[kind].status === status) ? kind : undefined;
}

/** Throws when a kind is used with another status than its own: a programming error, caught by any test that builds the error. */
export function assertKindStatus(kind: ProblemKind | undefined, status: number): void {
  if (kind && problemTypes[kind].status !== status) {
    throw new TypeError(`Problem kind ${kind} is a ${problemTypes[kind].status}, not a ${status}.`);
  }
}

/** RFC 9110 §15 reason phrases (and RFC 6585's 428, 429, 431, 511): the title of an `about:blank` problem. */
const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  511: 'Network Authentication Required',
};

export const reasonPhrase = (status: number): string => REASON_PHRASES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
