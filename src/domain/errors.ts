/**
 * One error-code enum for the whole product. The domain throws `DomainError`s with these codes;
 * workflows wrap them in `ApplicationFailure.create({ type: code })`, and the API maps them to HTTP
 * status codes in one place (see `ERROR_HTTP_STATUS`).
 */
export const ErrorCode = {
  /** Input does not satisfy a schema or a domain rule (HTTP 400). */
  VALIDATION: 'VALIDATION',
  /** A response plan failed validation (HTTP 400/422). */
  PLAN_INVALID: 'PLAN_INVALID',
  /** A forecast series is malformed: not sorted, a gap, a duplicate (HTTP 400). */
  INVALID_FORECAST: 'INVALID_FORECAST',
  /** Caller is not authenticated (HTTP 401). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Caller may not perform this action (HTTP 403). */
  FORBIDDEN: 'FORBIDDEN',
  /** Entity does not exist (HTTP 404). */
  NOT_FOUND: 'NOT_FOUND',
  /** The action is not allowed in the episode's current state (HTTP 409). */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** Conflicting concurrent change or duplicate business key (HTTP 409). */
  CONFLICT: 'CONFLICT',
  /** A decision refers to a proposal that is no longer the pending one (HTTP 409). */
  STALE_PROPOSAL: 'STALE_PROPOSAL',
  /** Not enough data to decide (e.g. electricity baseline) (HTTP 422). */
  INSUFFICIENT_DATA: 'INSUFFICIENT_DATA',
  /** Unexpected internal failure (HTTP 500). */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  PLAN_INVALID: 400,
  INVALID_FORECAST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  CONFLICT: 409,
  STALE_PROPOSAL: 409,
  INSUFFICIENT_DATA: 422,
  INTERNAL: 500,
};

/** A field-level problem: `path` like `duties[3].responsible[1]` ('' for the root). */
export interface FieldIssue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: ErrorCode;
  /** JSON-only details (e.g. field issues); safe to put in an ApplicationFailure. */
  readonly details: { issues?: FieldIssue[]; [key: string]: unknown } | undefined;

  constructor(code: ErrorCode, message: string, details?: { issues?: FieldIssue[]; [key: string]: unknown }) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** Formats a path array (`['duties', 3, 'responsible', 1]`) as `duties[3].responsible[1]`. */
export function formatPath(path: ReadonlyArray<string | number | symbol>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
