/**
 * The submission store activities: a unit's daily report and its summary as the workflow accepted
 * them, kept once per (episode, unit, report id) / summary id however often the activity is retried;
 * the same key with other content (only an Update sent around the API, which claims ids) fails loudly.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { StoreReportInput, StoreSummaryInput } from '../contracts/index.js';
import type { ActivityDeps } from './deps.js';

export function submissionActivities({ pool }: Pick<ActivityDeps, 'pool'>) {
  return {
    async storeReport(input: StoreReportInput): Promise<void> {
      const { rows } = await pool.query<{ inserted: number; same: boolean | null }>(
        `WITH ins AS (
           INSERT INTO unit_reports (report_id, episode_id, unit_id, response_day, fields, submitted_by, late, submitted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (episode_id, unit_id, report_id) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*)::int FROM ins) AS inserted,
                (SELECT fields = $5::jsonb AND response_day = $4 FROM unit_reports
                 WHERE episode_id = $2 AND unit_id = $3 AND report_id = $1) AS same`,
        [
          input.reportId,
          input.episodeId,
          input.unitId,
          input.responseDay,
          JSON.stringify(input.fields),
          input.submittedBy,
          input.late,
          input.at,
        ],
      );
      if (rows[0]?.inserted === 0 && rows[0].same === false) {
        throw ApplicationFailure.create({
          type: 'report_conflict',
          message: `report ${input.reportId} of ${input.unitId} is stored with other content`,
          nonRetryable: true,
        });
      }
    },

    async storeSummary(input: StoreSummaryInput): Promise<void> {
      await pool.query(
        `INSERT INTO unit_summaries (summary_id, episode_id, unit_id, text, submitted_by, late, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (episode_id, unit_id, summary_id) DO NOTHING`,
        [input.summaryId, input.episodeId, input.unitId, input.text, input.submittedBy, input.late, input.at],
      );
    },
  };
}
