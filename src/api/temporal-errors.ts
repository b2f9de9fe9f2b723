import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ApiError, fromErrorCode, mapDomainError, unavailable } from './errors.js';

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_NOT_FOUND = 5;
const GRPC_UNAVAILABLE = 14;

/**
 * THE place where failures from Temporal become HTTP answers:
 * - an Update rejected by the workflow (validator or handler) → the `ErrorCode` in the failure's type,
 *   with `details[0]` (field issues) → `ERROR_HTTP_STATUS` (400, 403, 404, 409, 422);
 * - the workflow does not exist (or no longer runs) → 404 / 409 (decided by the caller, which knows
 *   whether the read model has it; see `mapTemporalError`'s `closed` option);
 * - Temporal unreachable or too slow → 503 (the caller may retry);
 * - anything else passes through (→ 500 without detail).
 */
export function mapTemporalError(err: unknown, opts: { closed?: boolean } = {}): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type) {
      const details = Array.isArray(cause.details) ? cause.details[0] : undefined;
      const mapped = fromErrorCode(cause.type, cause.message, details ?? undefined);
      // a failure type outside ErrorCode is a bug in the workflow: keep it for the server log
      if (mapped.statusCode >= 500) Object.assign(mapped, { cause: err });
      return mapped;
    }
    return new ApiError(409, 'invalid_transition', 'the episode rejected the command');
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return unavailable('the episode did not answer in time, try again (with the same Idempotency-Key)', {
      dependency: 'temporal',
    });
  }
  if (err instanceof WorkflowNotFoundError) {
    return opts.closed
      ? new ApiError(409, 'invalid_transition', 'the episode is closed')
      : new ApiError(404, 'not_found', 'episode not found');
  }
  // The client wraps gRPC errors (ServiceError with a cause); walk the chain.
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)) {
      return unavailable('Temporal is unavailable, try again shortly', { dependency: 'temporal' });
    }
    // e.g. the history of a run id that does not exist (fetchHistory does not raise WorkflowNotFoundError)
    if (isGrpcServiceError(e) && e.code === GRPC_NOT_FOUND) {
      return new ApiError(404, 'not_found', 'episode or run not found');
    }
    const message = e instanceof Error ? e.message : String(e);
    if (/ECONNREFUSED|14 UNAVAILABLE|Failed to connect|DEADLINE_EXCEEDED/i.test(message)) {
      return unavailable('Temporal is unavailable, try again shortly', { dependency: 'temporal' });
    }
  }
  return mapDomainError(err);
}
