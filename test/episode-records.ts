/**
 * What an episode left in PostgreSQL, for scenario tests: its audit log (once it has caught up with
 * the workflow) and its delivery log, and the failure of a rejected update.
 */
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type pg from 'pg';
import { expect } from 'vitest';
import { toCstIso } from '../src/domain/index.js';
import { viewOf } from './episode-harness.js';

/**
 * The workflow appends its events to the audit log in the background (the projection never holds up
 * an update's answer), so wait until the log has caught up with the workflow's own event count.
 */
export async function caughtUp(client: Client, pool: pg.Pool, episodeId: string): Promise<void> {
  let expected: number;
  try {
    expected = (await viewOf(client.workflow.getHandle(episodeId))).eventCount;
  } catch {
    return; // no longer queryable (terminated): the log holds what it will ever hold
  }
  await expect
    .poll(
      async () =>
        (
          await pool.query<{ n: number }>(
            'SELECT coalesce(max(seq), 0)::int AS n FROM episode_events WHERE episode_id = $1',
            [episodeId],
          )
        ).rows[0]!.n,
      { timeout: 15_000 },
    )
    .toBeGreaterThanOrEqual(expected);
}

export interface LoggedEvent {
  seq: number;
  type: string;
  at: string;
  payload: Record<string, unknown>;
}

/** The episode's audit log (of one event type), times to the second in CST. */
export async function loggedEvents(
  client: Client,
  pool: pg.Pool,
  episodeId: string,
  type?: string,
): Promise<LoggedEvent[]> {
  await caughtUp(client, pool, episodeId);
  const rows = await pool.query<{ seq: number; type: string; at: Date; payload: Record<string, unknown> }>(
    `SELECT seq, type, at, payload FROM episode_events WHERE episode_id = $1 ${type ? 'AND type = $2' : ''} ORDER BY seq`,
    type ? [episodeId, type] : [episodeId],
  );
  // to the second: a timer fires a few milliseconds after its instant
  return rows.rows.map((r) => ({ ...r, at: toCstIso(r.at.getTime()).replace(/\.\d{3}/, '') }));
}

export interface Delivery {
  step: string;
  recipient_id: string;
  title: string;
  body: string;
  status: string;
}

/** The messages of the episode whose step is LIKE `stepLike`, in the order they were logged. */
export async function deliveries(pool: pg.Pool, episodeId: string, stepLike: string): Promise<Delivery[]> {
  const rows = await pool.query<Delivery>(
    'SELECT step, recipient_id, title, body, status FROM notification_deliveries WHERE episode_id = $1 AND step LIKE $2 ORDER BY id',
    [episodeId, stepLike],
  );
  return rows.rows;
}

/** The same, once at least `count` of them are logged (messages are sent in the background). */
export async function deliveredAtLeast(
  pool: pg.Pool,
  episodeId: string,
  stepLike: string,
  count = 1,
): Promise<Delivery[]> {
  await expect
    .poll(async () => (await deliveries(pool, episodeId, stepLike)).length, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(count);
  return deliveries(pool, episodeId, stepLike);
}

/** The failure type and message of an update the workflow rejected. */
export async function rejected(promise: Promise<unknown>): Promise<{ type?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
    return { type: cause.type, message: cause.message };
  }
  throw new Error('expected the update to be rejected');
}
