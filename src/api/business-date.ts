/**
 * Episode business dates are bounded (security finding 8): an episode is started for a day near today
 * (CST), not years ahead or back, so ids, calendars and listings stay meaningful.
 */
import { cstDate } from '../domain/index.js';
import { badRequest } from './errors.js';

export interface BusinessDateWindow {
  /** Days before today allowed (a late record of a past episode). */
  pastDays: number;
  /** Days after today allowed (an announced episode). */
  futureDays: number;
}

export const DEFAULT_BUSINESS_DATES: BusinessDateWindow = { pastDays: 31, futureDays: 7 };

const DAY_MS = 86_400_000;

/** Refuses (400 naming body.date) a date outside [today − pastDays, today + futureDays]. */
export function assertBusinessDate(date: string, nowMs: number, w: BusinessDateWindow): void {
  const day = Date.parse(`${date}T00:00:00Z`);
  const today = Date.parse(`${cstDate(nowMs)}T00:00:00Z`);
  const from = cstDate(today - w.pastDays * DAY_MS + 8 * 3_600_000);
  const to = cstDate(today + w.futureDays * DAY_MS + 8 * 3_600_000);
  if (Number.isNaN(day) || day < today - w.pastDays * DAY_MS || day > today + w.futureDays * DAY_MS) {
    throw badRequest(`date: must be between ${from} and ${to}`, {
      issues: [{ path: 'body.date', message: `between ${from} and ${to}` }],
    });
  }
}
