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
