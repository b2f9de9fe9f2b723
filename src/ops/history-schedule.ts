/**
 * The Temporal Schedule that runs the history exporter every 15 minutes (created once; a worker
 * that finds it already there leaves it alone, so an operator may pause or retune it in the UI).
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { HISTORY_EXPORT_WORKFLOW_TYPE } from '../workflows/history-export.js';

export const HISTORY_EXPORT_SCHEDULE_ID = 'smog-history-export';

export async function ensureHistoryExportSchedule(
  client: Client,
  taskQueue: string,
): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: HISTORY_EXPORT_SCHEDULE_ID,
      spec: { intervals: [{ every: '15 minutes' }] },
      action: {
        type: 'startWorkflow',
        workflowType: HISTORY_EXPORT_WORKFLOW_TYPE,
        workflowId: HISTORY_EXPORT_SCHEDULE_ID,
        taskQueue,
        args: [],
        staticSummary: '已结束应急过程的完整历史导出至 PostgreSQL（供审计回放）',
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
