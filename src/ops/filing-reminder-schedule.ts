/**
 * The Temporal Schedule that starts the 一厂一策 filing reminders once a year, on 1 October at 9:00 CST,
 * a month before the heating season (the workflow then reminds weekly until the season begins).
 * Created once; a worker that finds it there leaves it alone (an operator may retune it in the UI).
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';

export const FILING_REMINDER_SCHEDULE_ID = 'filing-reminders';

export async function ensureFilingReminderSchedule(
  client: Client,
  taskQueue: string,
): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: FILING_REMINDER_SCHEDULE_ID,
      spec: {
        calendars: [{ month: 'OCTOBER', dayOfMonth: 1, hour: 9, minute: 0 }],
        timezone: 'Asia/Shanghai',
      },
      action: {
        type: 'startWorkflow',
        workflowType: 'filingReminderWorkflow',
        workflowId: FILING_REMINDER_SCHEDULE_ID,
        taskQueue,
        args: [{}],
        staticSummary: '供暖季前提醒各分局督促辖区企业报备一厂一策',
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
