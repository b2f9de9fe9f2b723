/**
 * The provincial platform pull's Temporal Schedule: every hour at minute 15 (CST), `airPullWorkflow`
 * pulls the last hours of station data. Created at worker start only when AIR_API_BASE_URL is set; a
 * worker that finds it there leaves it alone (an operator may retune it in the UI).
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';

export const AIR_PULL_SCHEDULE_ID = 'air-pull';

export async function ensureAirPullSchedule(
  client: Client,
  opts: { taskQueue: string; minute?: number },
): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: AIR_PULL_SCHEDULE_ID,
      spec: { calendars: [{ hour: '*', minute: opts.minute ?? 15 }], timezone: 'Asia/Shanghai' },
      action: {
        type: 'startWorkflow',
        workflowType: 'airPullWorkflow',
        workflowId: AIR_PULL_SCHEDULE_ID,
        taskQueue: opts.taskQueue,
        args: [{}],
        staticSummary: '从省级空气质量监测平台拉取最近6小时的站点小时数据',
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
