/** 一厂一策 filing rules: the transitions of its states, the heating season, the reminder rounds. */
import { describe, expect, it } from 'vitest';
import {
  FILING_STATE_WORDS,
  filingReminderVars,
  filingTransition,
  heatingSeason,
  nextReminderAt,
} from '../../../src/domain/filings.js';

describe('filing states', () => {
  it('file from 未报备, 退回修改 or again before review; the branch approves or returns a filed sheet', () => {
    expect(filingTransition('unfiled', 'file')).toBe('filed');
    expect(filingTransition('returned', 'file')).toBe('filed');
    expect(filingTransition('filed', 'file')).toBe('filed');
    expect(filingTransition('approved', 'file')).toBeNull();
    expect(filingTransition('filed', 'approve')).toBe('approved');
    expect(filingTransition('filed', 'return')).toBe('returned');
    for (const from of ['unfiled', 'returned', 'approved'] as const) {
      expect(filingTransition(from, 'approve')).toBeNull();
      expect(filingTransition(from, 'return')).toBeNull();
    }
    expect(Object.values(FILING_STATE_WORDS)).toEqual(['未报备', '已报备', '退回修改', '已审核']);
  });
});

describe('the heating season and the reminders', () => {
  it('the season of the CST year begins on 1 November 0:00 CST', () => {
    // 2026-10-01 09:00 CST
    const s = heatingSeason(Date.parse('2026-10-01T09:00:00+08:00'));
    expect(s).toEqual({ year: 2026, startsAt: Date.parse('2026-11-01T00:00:00+08:00') });
    // 31 December 20:00 UTC is already 1 January in CST
    expect(heatingSeason(Date.parse('2026-12-31T20:00:00Z')).year).toBe(2027);
  });

  it('reminds weekly while the season has not begun', () => {
    const start = Date.parse('2026-10-01T09:00:00+08:00');
    const season = Date.parse('2026-11-01T00:00:00+08:00');
    const times: number[] = [start];
    for (let next = nextReminderAt(start, season); next !== null; next = nextReminderAt(next, season))
      times.push(next);
    expect(times.map((t) => new Date(t + 8 * 3_600_000).toISOString().slice(5, 10))).toEqual([
      '10-01',
      '10-08',
      '10-15',
      '10-22',
      '10-29',
    ]);
  });

  it('names at most ten enterprises and the last day before the season', () => {
    const names = Array.from({ length: 12 }, (_, i) => `企业${i + 1}`);
    const v = filingReminderVars({
      branchName: '建平分局',
      countyName: '建平县',
      year: 2026,
      seasonStartsAt: Date.parse('2026-11-01T00:00:00+08:00'),
      names,
      count: 12,
    });
    expect(v.enterpriseNames).toBe(`${names.slice(0, 10).join('、')}等`);
    expect(v.dueDate).toBe('2026年10月31日');
  });
});
