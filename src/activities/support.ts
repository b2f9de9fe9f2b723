/** What every activity area shares: heartbeating while long work runs, and domain errors as non-retryable failures. */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError } from '../domain/index.js';

/**
 * Runs `work`, heartbeating every 2 s while it does, so a workflow can give these activities a short
 * heartbeat timeout: the attempt of a worker that died is retried elsewhere within seconds, not after
 * the whole start-to-close timeout. Outside an activity (direct calls in tests) it just runs `work`.
 */
export async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return work();
  }
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), 2_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Domain errors are the caller's fault: retrying cannot help. */
export function nonRetryable(err: unknown): never {
  if (err instanceof DomainError) {
    throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
  }
  throw err;
}
