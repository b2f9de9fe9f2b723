import type pg from 'pg';
import type { EpisodeSummary } from '../workflows/definitions.js';

export interface ActivityDeps {
  pool: pg.Pool;
}

/**
 * The activities of the product, built over their dependencies (adapters, PostgreSQL).
 * Each external effect carries a business idempotency key so that a retried activity changes nothing twice.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    /** Upserts the episode's read model. Projections only move forward (`version` guards the write). */
    async projectEpisode(input: { summary: EpisodeSummary; version: number }): Promise<void> {
      const s = input.summary;
      await deps.pool.query(
        `INSERT INTO episodes (id, jurisdiction, phase, level, exercise, plan_id, plan_version, started_at, closed_at, state, event_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO UPDATE SET phase = EXCLUDED.phase, level = EXCLUDED.level, closed_at = EXCLUDED.closed_at,
           state = EXCLUDED.state, event_count = EXCLUDED.event_count, updated_at = now()
         WHERE episodes.event_count < EXCLUDED.event_count`,
        [
          s.episodeId,
          s.jurisdiction,
          s.phase,
          s.level,
          s.exercise,
          'chaoyang-2024',
          1,
          s.startedAt,
          s.closedAt ?? null,
          JSON.stringify(s),
          input.version,
        ],
      );
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
