/**
 * The episode's response-day calendar: real CST days, or compressed days in an exercise, from the one
 * calendar in src/domain/calendar.ts, anchored at the origin the episode recorded when it began.
 */
import {
  type DeadlineCalendar,
  cstDate,
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

/** Day 1 of the response begins now unless it already has. */
export function ensureOrigin(run: EpisodeRun): void {
  if (!run.schedule.origin) run.schedule.origin = { firstDay: cstDate(now()), startMs: now() };
}

export const reportDue = (run: EpisodeRun, k: number): number =>
  dayAt(run, k, run.plan.deadlines.dailyReport.time);

export const officeReportAt = (run: EpisodeRun, k: number): number =>
  dayAt(run, k, run.plan.deadlines.officeDailyReport.time);

/** When the units' episode summaries are due: the plan's offset from the day of the lift. */
export function summaryDueMs(run: EpisodeRun): number {
  const { dayOffset, time } = run.plan.deadlines.unitSummary;
  return dayAt(run, dayOf(run, run.schedule.liftedMs!) + dayOffset, time);
}
