/**
 * The submission store activities: a unit's daily report and its summary as the workflow accepted
 * them, kept once per (episode, report id) / summary id however often the activity is retried.
 */
import type { StoreReportInput, StoreSummaryInput } from '../contracts/index.js';
import type { ActivityDeps } from './deps.js';

export function submissionActivities({ pool }: Pick<ActivityDeps, 'pool'>) {
  return {
    async storeReport(input: StoreReportInput): Promise<void> {
      await pool.query(
        `INSERT INTO unit_reports (report_id, episode_id, unit_id, response_day, fields, submitted_by, late, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (episode_id, report_id) DO NOTHING`,
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
    },

    async storeSummary(input: StoreSummaryInput): Promise<void> {
      await pool.query(
        `INSERT INTO unit_summaries (summary_id, episode_id, unit_id, text, submitted_by, late, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [input.summaryId, input.episodeId, input.unitId, input.text, input.submittedBy, input.late, input.at],
      );
    },
  };
}
