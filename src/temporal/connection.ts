import {
  Connection,
  type ConnectionOptions,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
} from '@temporalio/client';

/**
 * The API's connection to Temporal: lazy (the API starts while Temporal is down) and failing fast
 * (a few short retries, then the API answers 503 and the caller retries), instead of the SDK default of
 * ten retries with up to 5 s between them.
 */
export function createApiConnection(target: string | ConnectionOptions): Connection {
  return Connection.lazy({
    ...(typeof target === 'string' ? { address: target } : target),
    interceptors: [
      makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4, maxIntervalMs: () => 500 })),
    ],
  });
}

/** Longest time a retry of the API's connection can still be pending after a call gave up. */
export const API_RETRY_SETTLE_MS = 1_500;
