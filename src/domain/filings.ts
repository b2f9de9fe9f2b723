/**
 * 一厂一策 filing (五(一)3) as pure rules: its states and the transitions between them, the heating
 * season the filings are due before, the rounds of reminders, and the reminder's variables.
 */
import { atCst, cstDate, nextDate } from './calendar.js';
import { cstFullDateWords } from './time-words.js';

export type FilingState = 'unfiled' | 'filed' | 'returned' | 'approved';
export type FilingAction = 'file' | 'approve' | 'return';

/** The states as people say them. */
export const FILING_STATE_WORDS: Readonly<Record<FilingState, string>> = {
  unfiled: '未报备',
  filed: '已报备',
  returned: '退回修改',
  approved: '已审核',
};

/**
 * The state an action leads to, or null when it is not allowed from `from`: a sheet is filed when
 * none is, when it was returned, or again before its review (a corrected sheet); the branch approves
 * or returns a filed one. An approved sheet stays as it is.
 */
export function filingTransition(from: FilingState, action: FilingAction): FilingState | null {
  switch (action) {
    case 'file':
      return from === 'approved' ? null : 'filed';
    case 'approve':
      return from === 'filed' ? 'approved' : null;
    case 'return':
      return from === 'filed' ? 'returned' : null;
  }
}

/**
 * The first day of the heating season (供暖季), month-day. Liaoning's heating period begins on
 * 1 November; a product default, the office's to change with the plan.
 */
export const HEATING_SEASON_START = '11-01';

/**
 * The heating season whose filings are due at `nowMs`: the one starting this CST year (list year =
 * that year). After it has begun, `startsAt` is in the past and no reminder is due.
 */
export function heatingSeason(nowMs: number): { year: number; startsAt: number } {
  const year = Number(cstDate(nowMs).slice(0, 4));
  return { year, startsAt: atCst(`${year}-${HEATING_SEASON_START}`, '00:00') };
}

/** Reminders go out every this many days until the season begins (or every enterprise has filed). */
export const REMINDER_EVERY_DAYS = 7;

/** The next reminder after one at `lastMs`, or null when the season begins first. */
export function nextReminderAt(lastMs: number, seasonStartsAt: number, everyDays = REMINDER_EVERY_DAYS) {
  const next = lastMs + everyDays * 86_400_000;
  return next < seasonStartsAt ? next : null;
}

/** The variables of the `filingReminder` template for one branch. */
export function filingReminderVars(input: {
  branchName: string;
  countyName: string;
  year: number;
  seasonStartsAt: number;
  names: string[];
  count: number;
}): Record<string, string | number> {
  const shown = input.names.slice(0, 10).join('、');
  return {
    branchName: input.branchName,
    countyName: input.countyName,
    year: input.year,
    count: input.count,
    enterpriseNames: input.count > 10 ? `${shown}等` : shown,
    // the last day before the season begins
    dueDate: cstFullDateWords(nextDate(cstDate(input.seasonStartsAt), -1)),
  };
}
