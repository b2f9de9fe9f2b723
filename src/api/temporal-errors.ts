import { isGrpcServiceError } from '@temporalio/client';
import { ApiError, unavailable } from './errors.js';

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** Maps a failure to reach Temporal to 503 (the caller may retry); other errors pass through. */
export function mapTemporalError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  // The client wraps gRPC errors (ServiceError with a cause); walk the chain.
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED)) {
      return unavailable('Temporal is unavailable, try again shortly', { dependency: 'temporal' });
    }
    const message = e instanceof Error ? e.message : String(e);
    if (/ECONNREFUSED|14 UNAVAILABLE|Failed to connect|DEADLINE_EXCEEDED/i.test(message)) {
      return unavailable('Temporal is unavailable, try again shortly', { dependency: 'temporal' });
    }
  }
  return err;
}
