/**
 * filingReminderWorkflow: before the heating season, reminds each branch of the enterprises in its
 * county that have not filed their 一厂一策 for the year's reduction list (the plan's `filingReminder`
 * template, through the notification activity), then again every `everyDays` until the season begins
 * or every enterprise has filed. Started once a year by the `filing-reminders` schedule.
 */
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { cstDate } from '../domain/calendar.js';
import { REMINDER_EVERY_DAYS, filingReminderVars, heatingSeason, nextReminderAt } from '../domain/filings.js';
import { messagesTaskQueue } from './task-queues.js';

const { listUnfiledFilings } = proxyActivities<Pick<Activities, 'listUnfiledFilings'>>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10 },
});

export interface FilingReminderInput {
  /** The list year; default: the year of the heating season ahead (CST year of the start). */
  year?: number;
  /** When the heating season begins (epoch ms); default 1 November 00:00 CST of that year. */
  seasonStartsAt?: number;
  everyDays?: number;
}

export interface FilingReminderRound {
  date: string;
  branches: Array<{ county: string; count: number }>;
}

export async function filingReminderWorkflow(
  input: FilingReminderInput = {},
): Promise<{ year: number; rounds: FilingReminderRound[] }> {
  const season = heatingSeason(Date.now());
  const year = input.year ?? season.year;
  const startsAt = input.seasonStartsAt ?? season.startsAt;
  const everyDays = input.everyDays ?? REMINDER_EVERY_DAYS;
  const { notify } = proxyActivities<Pick<Activities, 'notify'>>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '1 day',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    taskQueue: messagesTaskQueue(workflowInfo().taskQueue),
  });
  const rounds: FilingReminderRound[] = [];
  let at = Date.now();
  while (at < startsAt) {
    const unfiled = await listUnfiledFilings({ year });
    const date = cstDate(Date.now());
    for (const b of unfiled.branches) {
      await notify({
        episodeId: `filings:${year}`,
        step: `filing-reminder:${date}`,
        planId: unfiled.planId,
        planVersion: unfiled.planVersion,
        template: 'filingReminder',
        recipients: [b.branchUnitId],
        vars: filingReminderVars({ ...b, year, seasonStartsAt: startsAt }),
        exercise: false,
      });
    }
    rounds.push({ date, branches: unfiled.branches.map((b) => ({ county: b.county, count: b.count })) });
    const next = unfiled.branches.length === 0 ? null : nextReminderAt(at, startsAt, everyDays);
    if (next === null) break;
    await sleep(next - Date.now());
    at = next;
  }
  return { year, rounds };
}
