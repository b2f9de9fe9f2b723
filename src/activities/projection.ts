/**
 * The projection activity: appends the workflow's domain events to the audit log (`episode_events`)
 * and moves the read model (`episodes`) forward, never backward, and folds the events into the
 * read side (`episode_projection`, see read-projection.ts), and opens the electricity follow-ups'
 * cases (field-followups.ts), in one transaction.
 */
import type { RecordEventsInput } from '../contracts/index.js';
import type { ActivityDeps } from './deps.js';
import { observeProjected } from './metrics.js';
import { advanceProjection } from './read-projection.js';
import { openFollowUpCases } from './field-followups.js';

export function projectionActivities({ pool }: Pick<ActivityDeps, 'pool'>) {
  return {
    /** Appends domain events to the audit log and moves the read model forward (never backward). */
    async recordEvents(input: RecordEventsInput): Promise<void> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const { seq, event } of input.events) {
          const { type, at, actor, ...payload } = event;
          await client.query(
            `INSERT INTO episode_events (episode_id, seq, type, at, actor, payload) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (episode_id, seq) DO NOTHING`,
            [input.episodeId, seq, type, at, JSON.stringify(actor), JSON.stringify(payload)],
          );
        }
        const lastSeq = input.events.reduce((m, e) => Math.max(m, e.seq), 0);
        const s = input.summary;
        if (input.view) {
          const v = input.view;
          await client.query(
            `INSERT INTO episodes (id, jurisdiction, phase, level, response, exercise, plan_id, plan_version, started_at, closed_at, state, event_count)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (id) DO UPDATE SET phase = EXCLUDED.phase, level = EXCLUDED.level, response = EXCLUDED.response,
               closed_at = EXCLUDED.closed_at, state = EXCLUDED.state, event_count = EXCLUDED.event_count, updated_at = now()
             WHERE episodes.event_count < EXCLUDED.event_count`,
            [
              v.episodeId,
              v.jurisdiction,
              v.phase,
              v.level,
              v.response,
              v.exercise,
              v.planId,
              v.planVersion,
              v.startedAt,
              v.closedAt,
              JSON.stringify(v),
              lastSeq,
            ],
          );
        } else {
          await client.query(
            `UPDATE episodes SET phase = $2, level = $3, response = $4, closed_at = $5, state = state || $6::jsonb,
               event_count = $7, updated_at = now()
             WHERE id = $1 AND event_count < $7`,
            [input.episodeId, s.phase, s.level, s.response, s.closedAt, JSON.stringify(s), lastSeq],
          );
        }
        await advanceProjection(client, input.episodeId);
        await openFollowUpCases(client, input.episodeId, input.events);
        await client.query('COMMIT');
        observeProjected(input.events);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
