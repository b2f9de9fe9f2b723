/**
 * China Standard Time calendar. Every computation is done on UTC epoch milliseconds with a fixed
 * +08:00 offset (China has no daylight saving). Nothing here reads the host clock or the host time
 * zone: no `new Date()`, no `Date.now()`, no local-time getters.
 *
 * Dates are 'YYYY-MM-DD' strings (the CST calendar day); instants are epoch ms or ISO strings with
 * an explicit offset ('2026-11-29T17:00:00+08:00').
 */
import { DomainError, ErrorCode } from './errors.js';

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
export const CST_OFFSET_MINUTES = 480;
export const CST_OFFSET_MS = CST_OFFSET_MINUTES * MS_PER_MINUTE;

export type IsoDate = string;
export type IsoDateTime = string;

// --- civil date <-> day number (days since 1970-01-01), after H. Hinnant's algorithms ---------

/** Days since 1970-01-01 for a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of `daysFromCivil`: [year, month (1-12), day]. */
export function civilFromDays(dayNumber: number): [number, number, number] {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));
const pad4 = (n: number): string => String(n).padStart(4, '0');

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD' date; throws VALIDATION if invalid. */
export function dayNumber(date: IsoDate): number {
  const m = DATE_RE.exec(date);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) {
      return daysFromCivil(year, month, day);
    }
  }
  throw new DomainError(ErrorCode.VALIDATION, `invalid date "${date}" (expected YYYY-MM-DD)`);
}

/** 'YYYY-MM-DD' for a day number. */
export function dateFromDayNumber(n: number): IsoDate {
  const [y, m, d] = civilFromDays(n);
  return `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
}

/** The date `n` days after `date` (n may be negative). */
export function nextDate(date: IsoDate, n = 1): IsoDate {
  return dateFromDayNumber(dayNumber(date) + n);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

/** True when each date is exactly one day after the previous one (an empty or 1-element list is consecutive). */
export function areConsecutiveDays(dates: ReadonlyArray<IsoDate>): boolean {
  for (let i = 1; i < dates.length; i++) {
    if (dayNumber(dates[i] as string) - dayNumber(dates[i - 1] as string) !== 1) return false;
  }
  return true;
}

// --- instants ------------------------------------------------------------------------------------

/** The CST calendar date of an instant. */
export function cstDate(epochMs: number): IsoDate {
  return dateFromDayNumber(Math.floor((epochMs + CST_OFFSET_MS) / MS_PER_DAY));
}

/** ISO 8601 with +08:00: '2026-11-29T17:00:00+08:00' (milliseconds only when non-zero). */
export function toCstIso(epochMs: number): IsoDateTime {
  if (!Number.isFinite(epochMs)) throw new DomainError(ErrorCode.VALIDATION, `invalid instant ${epochMs}`);
  const local = Math.floor(epochMs) + CST_OFFSET_MS;
  const day = Math.floor(local / MS_PER_DAY);
  let rest = local - day * MS_PER_DAY;
  const hh = Math.floor(rest / MS_PER_HOUR);
  rest -= hh * MS_PER_HOUR;
  const mm = Math.floor(rest / MS_PER_MINUTE);
  rest -= mm * MS_PER_MINUTE;
  const ss = Math.floor(rest / 1000);
  const ms = rest - ss * 1000;
  const frac = ms === 0 ? '' : `.${pad3(ms)}`;
  return `${dateFromDayNumber(day)}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}${frac}+08:00`;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO 8601 date-time with an explicit offset ('Z' or ±HH:MM) into epoch ms.
 * A date-time without an offset is rejected: it would be ambiguous.
 */
export function parseIso(value: string): number {
  const m = ISO_RE.exec(value);
  if (!m)
    throw new DomainError(ErrorCode.VALIDATION, `invalid ISO date-time "${value}" (an offset is required)`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const offset = m[8] as string;
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new DomainError(ErrorCode.VALIDATION, `invalid ISO date-time "${value}"`);
  }
  let offsetMinutes = 0;
  if (offset !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 23 || om > 59) throw new DomainError(ErrorCode.VALIDATION, `invalid offset in "${value}"`);
    offsetMinutes = sign * (oh * 60 + om);
  }
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY +
    hour * MS_PER_HOUR +
    minute * MS_PER_MINUTE +
    second * 1000 +
    millis -
    offsetMinutes * MS_PER_MINUTE
  );
}

/** True when `value` parses with `parseIso`. */
export function isIsoDateTime(value: string): boolean {
  try {
    parseIso(value);
    return true;
  } catch {
    return false;
  }
}

/** Minutes after midnight for 'HH:mm'. */
export function parseTimeOfDay(time: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  const h = m ? Number(m[1]) : Number.NaN;
  const min = m ? Number(m[2]) : Number.NaN;
  if (!(h >= 0 && h <= 23 && min >= 0 && min <= 59)) {
    throw new DomainError(ErrorCode.VALIDATION, `invalid time of day "${time}" (expected HH:mm)`);
  }
  return h * 60 + min;
}

/** Epoch ms of `time` ('HH:mm', CST) on the CST calendar day `date`. */
export function atCst(date: IsoDate, time: string): number {
  return dayNumber(date) * MS_PER_DAY + parseTimeOfDay(time) * MS_PER_MINUTE - CST_OFFSET_MS;
}

/** Start (00:00 CST) of the CST day containing the instant. */
export function startOfCstDay(epochMs: number): number {
  return Math.floor((epochMs + CST_OFFSET_MS) / MS_PER_DAY) * MS_PER_DAY - CST_OFFSET_MS;
}

// --- deadlines -------------------------------------------------------------------------------------

/** Daily report due: 17:00 CST (or the plan's time) on `date`. */
export function dailyReportDue(date: IsoDate, time = '17:00'): number {
  return atCst(date, time);
}

/** Unit episode summary due: 10:00 CST (or the plan's time) on the CST day after the lift. */
export function summaryDue(liftEpochMs: number, time = '10:00', dayOffset = 1): number {
  return atCst(nextDate(cstDate(liftEpochMs), dayOffset), time);
}

export interface LadderStepLike {
  offsetMinutes: number;
}

/** The instants of each escalation step: due + offset. */
export function escalationTimes(dueMs: number, ladder: ReadonlyArray<LadderStepLike>): number[] {
  return ladder.map((step) => dueMs + step.offsetMinutes * MS_PER_MINUTE);
}

/** The CST date of response day `k` (day 1 = the first day of the response). */
export function responseDayDate(firstDay: IsoDate, k: number): IsoDate {
  if (!Number.isInteger(k) || k < 1) throw new DomainError(ErrorCode.VALIDATION, `invalid response day ${k}`);
  return nextDate(firstDay, k - 1);
}

/** The response day number (1-based) of `date` in an episode that started on `firstDay`. */
export function responseDayOf(firstDay: IsoDate, date: IsoDate): number {
  return daysBetween(firstDay, date) + 1;
}

/**
 * The response day whose `time` is the first deadline after `fromMs` that still leaves `minWorkingMs`
 * of working time: the day `fromMs` falls on, or the next one when its deadline is too close or past.
 */
export function firstDueDay(
  calendar: DeadlineCalendar,
  fromMs: number,
  time: string,
  minWorkingMs: number,
): number {
  const day = Math.max(1, calendar.dayOf(fromMs));
  return calendar.at(day, time) - fromMs >= minWorkingMs ? day : day + 1;
}

// --- exercise (compressed) calendar --------------------------------------------------------------

/**
 * In an exercise, one response day lasts `dayMs` of real time. Response day k occupies
 * [start + (k-1)·dayMs, start + k·dayMs); a time of day maps proportionally into it, so 17:00 of
 * day k is start + (k-1)·dayMs + (17/24)·dayMs.
 */
export function exerciseInstant(
  exerciseStartMs: number,
  dayMs: number,
  responseDay: number,
  time: string,
): number {
  if (!Number.isInteger(responseDay) || responseDay < 1) {
    throw new DomainError(ErrorCode.VALIDATION, `invalid response day ${responseDay}`);
  }
  if (!(dayMs > 0)) throw new DomainError(ErrorCode.VALIDATION, `invalid exercise day length ${dayMs}`);
  const fraction = parseTimeOfDay(time) / 1440;
  return exerciseStartMs + (responseDay - 1) * dayMs + Math.round(fraction * dayMs);
}

/** Scales a real duration (e.g. a 60-minute escalation offset) to exercise time. */
export function exerciseDuration(realMs: number, dayMs: number): number {
  return Math.round((realMs / MS_PER_DAY) * dayMs);
}

/** A deadline calendar that is either real (CST) or compressed (exercise). */
export interface DeadlineCalendar {
  readonly mode: 'real' | 'exercise';
  /** Instant of `time` on response day k. */
  at(responseDay: number, time: string): number;
  /** Converts a real-time offset (ms) to this calendar's scale. */
  duration(realMs: number): number;
  /** The response day (1-based) an instant falls on; 0 or less before day 1. */
  dayOf(epochMs: number): number;
}

export function realCalendar(firstDay: IsoDate): DeadlineCalendar {
  dayNumber(firstDay);
  return {
    mode: 'real',
    at: (k, time) => atCst(responseDayDate(firstDay, k), time),
    duration: (ms) => ms,
    dayOf: (ms) => responseDayOf(firstDay, cstDate(ms)),
  };
}

export function exerciseCalendar(exerciseStartMs: number, dayMs: number): DeadlineCalendar {
  return {
    mode: 'exercise',
    at: (k, time) => exerciseInstant(exerciseStartMs, dayMs, k, time),
    duration: (ms) => exerciseDuration(ms, dayMs),
    dayOf: (ms) => Math.floor((ms - exerciseStartMs) / dayMs) + 1,
  };
}
