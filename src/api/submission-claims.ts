/**
 * Claims of report and summary ids (security finding 3). Before a report or summary is sent to the
 * workflow, the API claims (episode, unit, id) with a hash of the content: the same content again is a
 * retry and goes on; other content under a claimed id is a 409, never a silent no-op. A unit files one
 * summary per episode, so a summary is claimed per unit whatever its id.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ApiError } from './errors.js';
import { canonicalJson } from './security.js';

export interface Claim {
  episodeId: string;
  kind: 'report' | 'summary';
  unitId: string;
  /** The report id; '' for a summary. */
  submissionId: string;
  content: unknown;
  claimedBy: string;
}

const hashOf = (content: unknown) => createHash('sha256').update(canonicalJson(content)).digest('hex');

/** Claims the id; `true` when this call made the claim (release it if the workflow refuses the command). */
export async function claimSubmission(pool: pg.Pool, c: Claim): Promise<boolean> {
  const hash = hashOf(c.content);
  const key = [c.episodeId, c.kind, c.unitId, c.submissionId];
  const inserted = await pool.query(
    `INSERT INTO submission_claims (episode_id, kind, unit_id, submission_id, content_hash, claimed_by)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
    [...key, hash, c.claimedBy],
  );
  if (inserted.rowCount === 1) return true;
  const { rows } = await pool.query<{ content_hash: string }>(
    `SELECT content_hash FROM submission_claims
     WHERE episode_id = $1 AND kind = $2 AND unit_id = $3 AND submission_id = $4`,
    key,
  );
  if (rows[0]?.content_hash === hash) return false;
  throw c.kind === 'report'
    ? new ApiError(
        409,
        'conflict',
        `reportId ${c.submissionId}: this unit already filed a different report under this id; use a new reportId for a correction`,
        { issues: [{ path: 'body.reportId', message: 'already used for other content' }] },
      )
    : new ApiError(409, 'conflict', 'this unit already filed a different summary for the episode', {
        issues: [{ path: 'body.text', message: 'a summary was already filed' }],
      });
}

/** Drops a claim this request made when the workflow refused the command (nothing was recorded). */
export async function releaseClaim(pool: pg.Pool, c: Omit<Claim, 'content' | 'claimedBy'>): Promise<void> {
  await pool.query(
    'DELETE FROM submission_claims WHERE episode_id = $1 AND kind = $2 AND unit_id = $3 AND submission_id = $4',
    [c.episodeId, c.kind, c.unitId, c.submissionId],
  );
}

/** Runs the command; a refusal (4xx: nothing recorded) releases a claim this request made. */
export async function withClaim<T>(pool: pg.Pool, c: Claim, run: () => Promise<T>): Promise<T> {
  const mine = await claimSubmission(pool, c);
  try {
    return await run();
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (mine && typeof status === 'number' && status < 500) await releaseClaim(pool, c).catch(() => {});
    throw err;
  }
}

/** The SHA-256 of each photo, in the order given (to hash a report's content, not its photo ids). */
export async function photoHashes(pool: pg.Pool, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<{ id: string; sha256: string }>(
    'SELECT id::text, sha256 FROM photos WHERE id = ANY($1::uuid[])',
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r.sha256]));
  return ids.map((id) => byId.get(id) ?? id);
}
