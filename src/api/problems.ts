/**
 * Errors as RFC 9457 problem details (`application/problem+json`): the catalog of the API's error
 * codes (status, English title) and the one function that turns any error into a problem body.
 * The console's Chinese message per code lives in `console/error-messages.js` (a test keeps the two
 * key sets equal).
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import type { ValidationItem } from './validation.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Every `code` the API answers, with its usual HTTP status and the problem type's title. */
export const PROBLEM_CODES = {
  validation: { status: 400, title: 'The request is not valid' },
  malformed_body: { status: 400, title: 'The request body cannot be parsed' },
  bad_request: { status: 400, title: 'Bad request' },
  multipart: { status: 400, title: 'The multipart body is refused' },
  plan_invalid: { status: 400, title: 'The response plan is not valid' },
  invalid_forecast: { status: 400, title: 'The forecast series is not valid' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  csrf: { status: 403, title: 'Cross-site request refused' },
  signin_failed: { status: 401, title: 'The sign-in at the identity provider failed' },
  signin_not_registered: { status: 403, title: 'The person has no principal in this system' },
  signin_unavailable: { status: 503, title: 'The identity provider cannot be reached' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'Not acceptable' },
  conflict: { status: 409, title: 'Conflict' },
  invalid_transition: { status: 409, title: 'Not allowed in the current state' },
  stale_proposal: { status: 409, title: 'The proposal is no longer pending' },
  idempotency_in_progress: { status: 409, title: 'The first request with this Idempotency-Key still runs' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'The request is too large' },
  quota_exceeded: { status: 413, title: 'The unit’s photo storage is full' },
  image_too_large: { status: 422, title: 'The image has too many pixels' },
  expired: { status: 410, title: 'The request has expired' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency-Key already used for another request' },
  insufficient_data: { status: 422, title: 'Not enough data to decide' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'A dependency is unavailable, retry shortly' },
  pdf_unavailable: { status: 503, title: 'PDF rendering is not available on this server (no LibreOffice)' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

const isProblemCode = (code: string): code is ProblemCode => Object.hasOwn(PROBLEM_CODES, code);

/** A field-level problem: `path` like `body.forecast.0.aqi`. */
export interface ProblemFieldError {
  path: string;
  message: string;
  [extra: string]: unknown;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ProblemCode;
  requestId: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

/** The problem type URI of a code (dereferenceable: GET /problems/{code} documents it). */
export const problemType = (code: ProblemCode, base = '') => `${base}/problems/${code}`;

/** fastify's and its plugins' own client errors, by their code. */
const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FIELDS_LIMIT: 'payload_too_large',
};
const BY_STATUS: Record<number, ProblemCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Prefers Chinese when the caller's Accept-Language does (the console sends zh-CN). */
export function prefersChinese(req: Pick<FastifyRequest, 'headers'>): boolean {
  const header = req.headers['accept-language'];
  return typeof header === 'string' && /^\s*zh\b/i.test(header);
}

/** Field errors carried in an ApiError's details (`issues` of the domain, `errors` of imports). */
function fieldErrorsOf(details: unknown): { errors?: ProblemFieldError[]; rest: Record<string, unknown> } {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return { rest: {} };
  const { issues, errors, ...rest } = details as Record<string, unknown>;
  const list: ProblemFieldError[] = [];
  if (Array.isArray(issues)) {
    for (const i of issues as Array<{ path?: unknown; message?: unknown }>) {
      list.push({ path: String(i.path ?? ''), message: String(i.message ?? '') });
    }
  }
  if (Array.isArray(errors)) {
    // import row errors: { line, field, reason }
    for (const e of errors as Array<{ line?: unknown; field?: unknown; reason?: unknown }>) {
      list.push({
        path: `file.line[${Number(e.line)}].${String(e.field ?? '')}`,
        message: String(e.reason ?? ''),
        line: e.line,
        field: e.field,
      });
    }
  }
  return list.length > 0 ? { errors: list, rest } : { rest };
}

export interface ProblemOptions {
  /** Base URL of problem type URIs ('' → relative `/problems/{code}`). */
  typeBase?: string;
  /** true when the error is PostgreSQL being unreachable (→ 503). */
  databaseUnavailable?: boolean;
}

/** Any error thrown while handling `req` as the problem to answer (and whether to log it as a fault). */
export function toProblem(
  error: unknown,
  req: FastifyRequest,
  opts: ProblemOptions = {},
): { problem: Problem; fault: boolean } {
  // The occurrence, not the URL: a refusal must not echo the id of the object it refuses (see forbidden()).
  const base = { instance: `urn:uuid:${req.id}`, requestId: String(req.id) };
  const make = (
    code: ProblemCode,
    status: number,
    detail: string,
    extra: Record<string, unknown> = {},
  ): Problem => ({
    type: problemType(code, opts.typeBase),
    title: PROBLEM_CODES[code].title,
    status,
    detail,
    ...base,
    code,
    ...extra,
  });
  const err = error as FastifyError;
  if (Array.isArray(err?.validation) && err.validationContext) {
    const chinese = prefersChinese(req);
    const errors = (err.validation as unknown as ValidationItem[]).map((v) => ({
      path: [
        err.validationContext,
        ...String(v.instancePath ?? '')
          .split('/')
          .filter(Boolean),
      ].join('.'),
      message: (chinese ? v.params?.zh : undefined) ?? v.message ?? 'invalid',
    }));
    const detail = errors.map((i) => `${i.path}: ${i.message}`).join('; ');
    return { problem: make('validation', 400, detail, { errors }), fault: false };
  }
  if (err instanceof ApiError) {
    const code: ProblemCode = isProblemCode(err.code) ? err.code : (BY_STATUS[err.statusCode] ?? 'internal');
    if (err.statusCode >= 500 && code === 'internal') {
      return { problem: make('internal', 500, 'internal error'), fault: true };
    }
    const { errors, rest } = fieldErrorsOf(err.details);
    return {
      problem: make(code, err.statusCode, err.message, { ...rest, ...(errors ? { errors } : {}) }),
      fault: err.statusCode >= 500,
    };
  }
  const status = typeof err?.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = FASTIFY_CODES[err.code ?? ''] ?? BY_STATUS[status] ?? 'bad_request';
    return { problem: make(code, status, err.message), fault: false };
  }
  if (opts.databaseUnavailable) {
    return {
      problem: make('unavailable', 503, 'PostgreSQL is unavailable, try again shortly', {
        dependency: 'postgres',
      }),
      fault: false,
    };
  }
  return { problem: make('internal', 500, 'internal error'), fault: true };
}
