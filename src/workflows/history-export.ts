/**
 * historyExportWorkflow: one pass of the history exporter (run by the Temporal Schedule
 * `smog-history-export`): stores the history of every newly closed episode run in PostgreSQL.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { HistoryExportActivities } from '../activities/history-export.js';
import { EPISODE_WORKFLOW_TYPE } from './definitions.js';

export const HISTORY_EXPORT_WORKFLOW_TYPE = 'historyExportWorkflow';

const { exportClosedHistories } = proxyActivities<HistoryExportActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 5 },
});

export async function historyExportWorkflow(limit = 1_000): Promise<{ exported: number; skipped: number }> {
  return exportClosedHistories({ limit, workflowType: EPISODE_WORKFLOW_TYPE });
}
