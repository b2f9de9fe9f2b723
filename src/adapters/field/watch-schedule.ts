/**
 * The field watch's Temporal schedule: every 10 minutes `fieldWatchWorkflow` escalates overdue cases,
 * tells the regions of new fire points and flags reports that contradict the records. Created
 * idempotently at worker start; the API triggers a run right after a write that needs telling.
 */
import { type Client, ScheduleAlreadyRunning } from '@temporalio/client';

export const FIELD_WATCH_SCHEDULE_ID = 'field-watch';

export async function ensureFieldWatchSchedule(
  client: Client,
  opts: { taskQueue: string; every?: string },
): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: FIELD_WATCH_SCHEDULE_ID,
      spec: { intervals: [{ every: opts.every ?? '10 minutes' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'fieldWatchWorkflow',
        taskQueue: opts.taskQueue,
        args: [{}],
      },
      policies: { overlap: 'SKIP' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}

/** Asks for a run now (best effort: without the schedule the next worker start creates it). */
export function triggerFieldWatch(client: Client): void {
  void client.schedule
    .getHandle(FIELD_WATCH_SCHEDULE_ID)
    .trigger()
    .catch(() => {});
}
