/**
 * Exports the complete Temporal history of every closed run of every episode to PostgreSQL
 * (`episode_histories`), so auditors can replay episodes older than the namespace's retention.
 * Idempotent: a run already stored is skipped; each pass looks at runs closed since an hour before
 * the newest one stored.
 */
import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type pg from 'pg';

export interface HistoryExportDeps {
  pool: pg.Pool;
  client: Client;
}

/** Heartbeats inside an activity; nothing when called directly (tests, a CLI). */
function beat(exported: number): void {
  try {
    heartbeat({ exported });
  } catch {
    // not in an activity
  }
}

export function createHistoryExportActivities(deps: HistoryExportDeps) {
  return {
    async exportClosedHistories(input: {
      limit: number;
      workflowType: string;
    }): Promise<{ exported: number; skipped: number }> {
      const { rows } = await deps.pool.query<{ since: Date | null }>(
        'SELECT max(closed_at) AS since FROM episode_histories',
      );
      const since = rows[0]?.since ? new Date(rows[0].since.getTime() - 3_600_000) : null;
      const query = [
        `WorkflowType = '${input.workflowType.replace(/'/g, '')}'`,
        `ExecutionStatus != 'Running'`,
        ...(since ? [`CloseTime > '${since.toISOString()}'`] : []),
      ].join(' AND ');
      let exported = 0;
      let skipped = 0;
      for await (const wf of deps.client.workflow.list({ query })) {
        if (exported >= input.limit) break;
        const done = await deps.pool.query(
          'SELECT 1 FROM episode_histories WHERE episode_id = $1 AND run_id = $2',
          [wf.workflowId, wf.runId],
        );
        if (done.rowCount) {
          skipped += 1;
          continue;
        }
        const history = await deps.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
        await deps.pool.query(
          `INSERT INTO episode_histories (episode_id, run_id, status, started_at, closed_at, event_count, history)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          [
            wf.workflowId,
            wf.runId,
            wf.status.name,
            wf.startTime,
            wf.closeTime ?? new Date(),
            history.events?.length ?? 0,
            historyToJSON(history),
          ],
        );
        exported += 1;
        beat(exported);
      }
      return { exported, skipped };
    },
  };
}

export type HistoryExportActivities = ReturnType<typeof createHistoryExportActivities>;
