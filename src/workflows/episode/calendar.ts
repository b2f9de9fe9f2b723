/**
 * The episode's response-day calendar: real CST days, or compressed days in an exercise, from the one
 * calendar in src/domain/calendar.ts, anchored at the origin the episode recorded when it began.
 */
import { patched } from '@temporalio/workflow';
import {
  type DeadlineCalendar,
  cstDate,
  firstDueDay,
  exerciseCalendar,
  exerciseDuration,
  realCalendar,
  responseDayDate,
} from '../../domain/index.js';
import { type EpisodeRun, now } from './run.js';

function calendarOf(run: EpisodeRun): DeadlineCalendar | null {
  const origin = run.schedule.origin;
  if (!origin) return null;
  return run.input.exercise
    ? exerciseCalendar(origin.startMs, run.exerciseDayMs)
    : realCalendar(origin.firstDay);
}

/** Instant of `time` ('HH:mm') on response day k. */
export function dayAt(run: EpisodeRun, k: number, time: string): number {
  const calendar = calendarOf(run);
  if (!calendar) throw new Error('no response calendar yet');
  return calendar.at(k, time);
}

/** The response day an instant falls on (0 before the response began). */
export function dayOf(run: EpisodeRun, ms: number): number {
  return calendarOf(run)?.dayOf(ms) ?? 0;
}

/** The CST date of response day k. */
export function dateOfDay(run: EpisodeRun, k: number): string {
  return responseDayDate(run.schedule.origin!.firstDay, k);
}

/** A real duration on this episode's clock (compressed in an exercise). */
export function scaled(run: EpisodeRun, realMs: number): number {
  return run.input.exercise ? exerciseDuration(realMs, run.exerciseDayMs) : realMs;
}

/** The plan's least working time before a first deadline, on this episode's clock. */
function minWorkingMs(run: EpisodeRun): number {
  return scaled(run, (run.plan.deadlines.minWorkingHours ?? 0) * 3_600_000);
}

/**
 * Day 1 of the response begins when the warning (or early response) takes effect, unless it already
 * has; the first report is owed on the first report day that leaves the units the plan's working time.
 */
export function ensureOrigin(run: EpisodeRun, effectMs = now()): void {
  if (run.schedule.origin) return;
  const origin: NonNullable<EpisodeRun['schedule']['origin']> = {
    firstDay: cstDate(effectMs),
    startMs: effectMs,
  };
  run.schedule.origin = origin;
  // Runs started before this patch owed day 1's report on day 1 whatever the hour, and began day 1 at
  // the moment of the order.
  if (patched('first-report-leaves-working-time'))
    origin.firstReportDay = firstDueDay(
      calendarOf(run)!,
      effectMs,
      run.plan.deadlines.dailyReport.time,
      minWorkingMs(run),
    );
}

/** The first response day whose report is owed. */
export const firstReportDay = (run: EpisodeRun): number => run.schedule.origin?.firstReportDay ?? 1;

export const reportDue = (run: EpisodeRun, k: number): number =>
  dayAt(run, k, run.plan.deadlines.dailyReport.time);

export const officeReportAt = (run: EpisodeRun, k: number): number =>
  dayAt(run, k, run.plan.deadlines.officeDailyReport.time);

/** When the units' episode summaries are due: the plan's offset from the day of the lift. */
export function summaryDueMs(run: EpisodeRun, lifted = run.schedule.liftedMs!): number {
  const { dayOffset, time } = run.plan.deadlines.unitSummary;
  const day = dayOf(run, lifted) + dayOffset;
  // the working-time rule holds for summaries too (in runs that follow it)
  const tooClose =
    run.schedule.origin?.firstReportDay !== undefined && dayAt(run, day, time) - lifted < minWorkingMs(run);
  return dayAt(run, tooClose ? day + 1 : day, time);
}
