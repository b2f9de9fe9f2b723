import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  areConsecutiveDays,
  atCst,
  cstDate,
  DomainError,
  dailyReportDue,
  dateFromDayNumber,
  dayNumber,
  defaultPlan,
  escalationTimes,
  exerciseCalendar,
  exerciseInstant,
  nextDate,
  parseIso,
  realCalendar,
  responseDayDate,
  responseDayOf,
  summaryDue,
  toCstIso,
} from '../../../src/domain/index.js';

const HOUR = 3_600_000;

describe('CST conversions', () => {
  it('formats and parses instants with +08:00', () => {
    const ms = Date.UTC(2026, 10, 29, 9, 0, 0);
    expect(toCstIso(ms)).toBe('2026-11-29T17:00:00+08:00');
    expect(parseIso('2026-11-29T17:00:00+08:00')).toBe(ms);
    expect(parseIso('2026-11-29T09:00:00Z')).toBe(ms);
    expect(parseIso('2026-11-29T04:00:00-05:00')).toBe(ms);
    expect(parseIso('2026-11-29T17:00+08:00')).toBe(ms);
    expect(parseIso('2026-11-29T17:00:00.250+08:00')).toBe(ms + 250);
    expect(toCstIso(ms + 250)).toBe('2026-11-29T17:00:00.250+08:00');
  });

  it('rejects ambiguous or impossible date-times', () => {
    for (const bad of [
      '2026-11-29T17:00:00',
      '2026-13-01T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-11-29T24:00:00Z',
      'x',
    ]) {
      expect(() => parseIso(bad)).toThrow(DomainError);
    }
    expect(parseIso('2028-02-29T00:00:00+08:00')).toBe(Date.UTC(2028, 1, 28, 16));
  });

  it('puts the CST midnight where it belongs', () => {
    expect(cstDate(Date.UTC(2026, 0, 31, 15, 59, 59, 999))).toBe('2026-01-31');
    expect(cstDate(Date.UTC(2026, 0, 31, 16, 0, 0))).toBe('2026-02-01');
    expect(cstDate(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01-01');
    expect(toCstIso(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01-01T00:00:00+08:00');
  });

  it('counts dates across month, year and leap-day boundaries', () => {
    expect(nextDate('2026-01-31')).toBe('2026-02-01');
    expect(nextDate('2026-12-31')).toBe('2027-01-01');
    expect(nextDate('2028-02-28')).toBe('2028-02-29');
    expect(nextDate('2028-02-29')).toBe('2028-03-01');
    expect(nextDate('2027-02-28')).toBe('2027-03-01');
    expect(nextDate('2026-03-01', -1)).toBe('2026-02-28');
    expect(nextDate('2100-02-28')).toBe('2100-03-01');
    expect(nextDate('2000-02-28')).toBe('2000-02-29');
    expect(nextDate('2026-11-29', 40)).toBe('2027-01-08');
    expect(() => nextDate('2026-02-29')).toThrow(DomainError);
  });

  it('checks consecutive days', () => {
    expect(areConsecutiveDays(['2026-12-30', '2026-12-31', '2027-01-01'])).toBe(true);
    expect(areConsecutiveDays(['2028-02-28', '2028-02-29', '2028-03-01'])).toBe(true);
    expect(areConsecutiveDays(['2027-02-28', '2027-03-01'])).toBe(true);
    expect(areConsecutiveDays(['2026-12-30', '2027-01-01'])).toBe(false);
    expect(areConsecutiveDays(['2026-12-30', '2026-12-30'])).toBe(false);
    expect(areConsecutiveDays([])).toBe(true);
  });
});

describe('deadlines', () => {
  it('daily report is due 17:00 CST on the day', () => {
    expect(toCstIso(dailyReportDue('2026-11-29'))).toBe('2026-11-29T17:00:00+08:00');
    expect(dailyReportDue('2026-11-29')).toBe(Date.UTC(2026, 10, 29, 9));
    expect(toCstIso(dailyReportDue('2028-02-29', defaultPlan.deadlines.dailyReport.time))).toBe(
      '2028-02-29T17:00:00+08:00',
    );
  });

  it.each([
    ['2026-11-29T18:30:00+08:00', '2026-11-30T10:00:00+08:00'],
    ['2026-11-29T23:59:59+08:00', '2026-11-30T10:00:00+08:00'],
    ['2026-11-29T16:30:00Z', '2026-12-01T10:00:00+08:00'], // 00:30 CST on the 30th
    ['2026-01-31T12:00:00+08:00', '2026-02-01T10:00:00+08:00'],
    ['2026-12-31T15:00:00+08:00', '2027-01-01T10:00:00+08:00'],
    ['2028-02-28T12:00:00+08:00', '2028-02-29T10:00:00+08:00'],
    ['2028-02-29T12:00:00+08:00', '2028-03-01T10:00:00+08:00'],
  ])('summary after a lift at %s is due %s', (lift, due) => {
    expect(toCstIso(summaryDue(parseIso(lift)))).toBe(due);
  });

  it('escalation steps follow the plan ladder, across midnight', () => {
    const due = parseIso('2026-12-31T22:30:00+08:00');
    const times = escalationTimes(due, defaultPlan.escalation.reports).map(toCstIso);
    expect(times).toEqual([
      '2026-12-31T22:30:00+08:00',
      '2026-12-31T23:30:00+08:00',
      '2027-01-01T01:30:00+08:00',
    ]);
    const daily = escalationTimes(dailyReportDue('2026-11-29'), defaultPlan.escalation.reports);
    expect(daily.map((t) => t - dailyReportDue('2026-11-29'))).toEqual([0, HOUR, 3 * HOUR]);
  });

  it('numbers response days', () => {
    expect(responseDayDate('2026-12-30', 3)).toBe('2027-01-01');
    expect(responseDayOf('2026-12-30', '2027-01-01')).toBe(3);
    expect(realCalendar('2026-12-31').at(2, '17:00')).toBe(dailyReportDue('2027-01-01'));
    expect(() => responseDayDate('2026-12-30', 0)).toThrow(DomainError);
  });

  it('compresses the calendar in an exercise (one day = plan.exercise.dayMs)', () => {
    const start = parseIso('2026-11-29T09:00:00+08:00');
    const dayMs = defaultPlan.exercise.dayMs;
    expect(dayMs).toBe(300_000);
    expect(exerciseInstant(start, dayMs, 1, '17:00')).toBe(start + 212_500);
    expect(exerciseInstant(start, dayMs, 2, '17:00')).toBe(start + 300_000 + 212_500);
    expect(exerciseInstant(start, dayMs, 3, '00:00')).toBe(start + 600_000);
    const cal = exerciseCalendar(start, dayMs);
    expect(cal.at(2, '10:00')).toBe(start + 300_000 + 125_000);
    expect(cal.duration(HOUR)).toBe(12_500);
    expect(cal.duration(3 * HOUR)).toBe(37_500);
  });
});

describe('host time zone independence', () => {
  const originalTz = process.env.TZ;
  afterAll(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  const battery = () => [
    toCstIso(Date.UTC(2026, 2, 8, 10, 30)), // US DST switch day
    cstDate(Date.UTC(2026, 10, 1, 17)),
    dailyReportDue('2026-03-08'),
    summaryDue(parseIso('2026-11-01T01:30:00-07:00')),
    atCst('2026-10-25', '02:30'),
    nextDate('2026-03-28', 2),
    parseIso('2026-03-29T02:30:00+08:00'),
  ];

  it('gives the same answers whatever TZ the process runs in', () => {
    const results = new Map<string, unknown>();
    const offsets = new Set<number>();
    for (const tz of ['UTC', 'Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Chatham', 'Europe/London']) {
      process.env.TZ = tz;
      offsets.add(new Date(Date.UTC(2026, 6, 1)).getTimezoneOffset());
      results.set(tz, battery());
    }
    // the host zone did change underneath …
    expect(offsets.size).toBeGreaterThan(1);
    // … and nothing we compute noticed
    const [first, ...rest] = [...results.values()];
    for (const r of rest) expect(r).toEqual(first);
  });

  it('property: cstDate / toCstIso agree with a UTC shift by 8 h', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const shifted = new Date(ms + 8 * HOUR).toISOString(); // toISOString is always UTC
        expect(cstDate(ms)).toBe(shifted.slice(0, 10));
        expect(toCstIso(ms).slice(0, 19)).toBe(shifted.slice(0, 19));
        expect(parseIso(toCstIso(ms))).toBe(ms);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: day numbers round-trip and match Date.UTC', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -200_000, max: 200_000 }),
        fc.integer({ min: -400, max: 400 }),
        (n, k) => {
          const date = dateFromDayNumber(n);
          expect(dayNumber(date)).toBe(n);
          expect(new Date(n * 86_400_000).toISOString().slice(0, 10)).toBe(date);
          expect(dayNumber(nextDate(date, k))).toBe(n + k);
        },
      ),
      { numRuns: 500 },
    );
  });
});
