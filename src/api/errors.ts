import { ERROR_HTTP_STATUS, type ErrorCode, isDomainError } from '../domain/errors.js';

/** Errors the API answers with a 4xx; anything else is a 500 with no detail (and is logged). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, details?: unknown) =>
  new ApiError(409, 'conflict', message, details);
export const badRequest = (message: string, details?: unknown) =>
  new ApiError(400, 'validation', message, details);
export const unavailable = (message: string, details?: unknown) =>
  new ApiError(503, 'unavailable', message, details);
export const unauthorized = () =>
  new ApiError(401, 'unauthenticated', 'a valid bearer token is required (Authorization: Bearer …)');
/**
 * The one body of every refusal for lack of rights: the same whether the object exists or not, and it
 * names nothing of the object (no id, no jurisdiction, no state).
 */
export const forbidden = () => new ApiError(403, 'forbidden', 'not allowed for this principal');

/** An error of the shared domain enum (`ErrorCode`) as the HTTP error it maps to (`ERROR_HTTP_STATUS`). */
export function fromErrorCode(code: string, message: string, details?: unknown): ApiError {
  const status = ERROR_HTTP_STATUS[code as ErrorCode];
  if (status === undefined || status >= 500) return new ApiError(500, 'internal', 'internal error');
  if (status === 403) return forbidden();
  return new ApiError(status, code.toLowerCase(), message, details);
}

/** Domain errors thrown in the API process (plan lookups, time parsing …). */
export function mapDomainError(err: unknown): unknown {
  if (isDomainError(err)) return fromErrorCode(err.code, err.message, err.details);
  return err;
}
