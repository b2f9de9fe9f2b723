/**
 * Orphan photos (security finding 6): photos uploaded but named by no report are deleted once older
 * than the grace period; and the schedule that runs it, created idempotently at worker start.
 */
import { type Client, ScheduleAlreadyRunning } from '@temporalio/client';
import type pg from 'pg';

export function photoCleanupActivities(pool: pg.Pool) {
  return {
    async deleteOrphanPhotos(input: { olderThanHours: number }): Promise<{ deleted: number }> {
      const res = await pool.query(
        `DELETE FROM photos p
         WHERE p.created_at < now() - make_interval(hours => $1::int)
           AND NOT EXISTS (SELECT 1 FROM unit_reports r
                           WHERE r.unit_id = p.unit_id AND r.fields->'photoIds' ? p.id::text)`,
        [input.olderThanHours],
      );
      return { deleted: res.rowCount ?? 0 };
    },
  };
}

export const PHOTO_CLEANUP_SCHEDULE_ID = 'photo-cleanup';

/** Creates the hourly clean-up schedule unless it exists (every worker start calls this). */
export async function ensurePhotoCleanupSchedule(
  client: Client,
  opts: { taskQueue: string; olderThanHours: number },
): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: PHOTO_CLEANUP_SCHEDULE_ID,
      spec: { intervals: [{ every: '1 hour' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'photoCleanupWorkflow',
        taskQueue: opts.taskQueue,
        args: [{ olderThanHours: opts.olderThanHours }],
      },
      policies: { overlap: 'SKIP' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
