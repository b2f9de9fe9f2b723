/** Reading and commanding episodes: the live Query, the read model, and Updates with the caller as actor. */
import { createHash, randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { toCstIso } from '../domain/index.js';
import { type EpisodeView, episodeStateQuery } from '../workflows/definitions.js';
import type { AppDeps } from './deps.js';
import { notFound } from './errors.js';
import { loadProjected, projectedView } from './projected-view.js';
import { awaitProjection, seqOfAnswer } from './read-your-writes.js';
import { mapTemporalError } from './temporal-errors.js';

/** A read waits at most this long for Temporal before answering 503. */
export const QUERY_DEADLINE_MS = 5_000;
/** An update waits at most this long (validation + handler) before answering 503. */
export const UPDATE_DEADLINE_MS = 15_000;

export interface ReadModelRow {
  id: string;
  jurisdiction: string;
  business_date: string;
  phase: string;
  level: string;
  response: string | null;
  exercise: boolean;
  plan_id: string;
  plan_version: number;
  started_at: Date;
  closed_at: Date | null;
  updated_at: Date;
  state: EpisodeView;
}

export async function readModel(deps: AppDeps, id: string): Promise<ReadModelRow | null> {
  const { rows } = await deps.pool.query<ReadModelRow>('SELECT * FROM episodes WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export const summaryOf = (r: ReadModelRow) => ({
  id: r.id,
  jurisdiction: r.jurisdiction,
  date: r.business_date,
  phase: r.phase,
  level: r.level,
  response: r.response,
  exercise: r.exercise,
  planId: r.plan_id,
  planVersion: r.plan_version,
  startedAt: toCstIso(r.started_at.getTime()),
  closedAt: r.closed_at ? toCstIso(r.closed_at.getTime()) : null,
  updatedAt: toCstIso(r.updated_at.getTime()),
});

/**
 * The episode's state from the projection (no worker involved); with `minSeq`, first waits (bounded)
 * until the projection has applied that sequence. 404 when the projection has never seen it.
 */
export async function episodeState(deps: AppDeps, id: string, minSeq = 0): Promise<EpisodeView> {
  if (minSeq > 0) await awaitProjection(deps.pool, deps.feed!, id, minSeq);
  const row = await loadProjected(deps.pool, id);
  if (!row) throw notFound('episode');
  return projectedView(row);
}

/**
 * The live state from the workflow's Query (the auditors' "live vs projected" check): the read
 * model when the workflow no longer exists. 404 when neither has it.
 */
export async function liveEpisodeState(deps: AppDeps, id: string): Promise<EpisodeView> {
  const row = await readModel(deps, id);
  try {
    return await deps.temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      deps.temporal.workflow.getHandle(id).query(episodeStateQuery),
    );
  } catch (err) {
    const mapped = mapTemporalError(err);
    if ((mapped as { statusCode?: number }).statusCode !== 404) throw mapped;
  }
  if (row) return row.state;
  throw notFound('episode');
}

/** A stable update id from the Idempotency-Key (Temporal dedups updates by id within a run). */
export function updateIdFor(principalId: string, idempotencyKey: string | undefined, what: string): string {
  if (!idempotencyKey) return randomUUID();
  return createHash('sha256').update(`${principalId}\u0000${idempotencyKey}\u0000${what}`).digest('hex');
}

/** Executes an Update; every failure is mapped to HTTP in `mapTemporalError`. */
export async function executeEpisodeUpdate<Ret, Arg>(
  deps: AppDeps,
  id: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  updateId: string,
): Promise<Ret> {
  const handle: WorkflowHandle = deps.temporal.workflow.getHandle(id);
  let answer: Ret;
  try {
    answer = await deps.temporal.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () =>
      handle.executeUpdate(update, { args: [arg], updateId }),
    );
  } catch (err) {
    const row = await readModel(deps, id).catch(() => null);
    throw mapTemporalError(err, { closed: row !== null });
  }
  // Read-your-writes: answer once the projection shows this write (bounded; never fails the write).
  await awaitProjection(deps.pool, deps.feed!, id, seqOfAnswer(answer)).catch(() => false);
  return answer;
}
