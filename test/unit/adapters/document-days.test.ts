/** The work summary's days of the process and their AQI, and how long titles break. */
import { describe, expect, it } from 'vitest';
import { processAqi } from '../../../src/activities/documents.js';
import type { LoggedEvent } from '../../../src/adapters/reporting/records.js';
import { textWidth, titleLines } from '../../../src/adapters/reporting/render.js';

let seq = 0;
const ev = (type: string, at: string, payload: Record<string, unknown> = {}): LoggedEvent => ({
  seq: ++seq,
  type,
  at,
  payload,
});
const consult = (at: string, days: Array<[string, number]>) =>
  ev('consultation.recorded', at, { days: days.map(([date, aqi]) => ({ date, aqi })) });

describe('the days of the process', () => {
  it('covers every day from the first response day to the lift, each with the forecast made by then', () => {
    const events = [
      consult('2026-11-28T09:00:00+08:00', [
        ['2026-11-29', 180],
        ['2026-11-30', 210],
      ]),
      ev('early-response.started', '2026-11-28T10:00:00+08:00', { firstDay: '2026-11-29' }),
      consult('2026-11-30T09:00:00+08:00', [
        ['2026-11-30', 230],
        ['2026-12-01', 250],
      ]),
      ev('early-response.ended', '2026-11-30T09:30:00+08:00'),
      ev('warning.issued', '2026-11-30T09:30:00+08:00', { level: 'yellow', firstDay: '2026-11-30' }),
      ev('warning.lifted', '2026-12-03T09:00:00+08:00', { level: 'yellow' }),
    ];
    expect(processAqi(events, '2026-12-04T10:00:00+08:00')).toEqual([
      { date: '2026-11-29', forecast: 180 },
      // the consultation of 11-30 09:00 is the forecast "at the time" of 11-30
      { date: '2026-11-30', forecast: 230 },
      { date: '2026-12-01', forecast: 250 },
      // no consultation forecast these days: the row is there, the value is not
      { date: '2026-12-02' },
      { date: '2026-12-03' },
    ]);
  });

  it('an episode still running ends its table on the day of the document', () => {
    const events = [
      ev('warning.issued', '2026-12-01T17:00:00+08:00', { level: 'orange', firstDay: '2026-12-01' }),
    ];
    expect(processAqi(events, '2026-12-02T08:00:00+08:00').map((d) => d.date)).toEqual([
      '2026-12-01',
      '2026-12-02',
    ]);
    expect(processAqi([], '2026-12-02T08:00:00+08:00')).toEqual([]);
  });
});

describe('titles', () => {
  it('a long title breaks before its subject, both lines within the 版心', () => {
    const lines = titleLines('关于朝阳市2026年12月2日至12月5日重污染天气应对工作情况的报告');
    expect(lines).toEqual(['关于朝阳市2026年12月2日至12月5日', '重污染天气应对工作情况的报告']);
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(20);
    expect(titleLines('朝阳市12月3日重污染天气应对情况')).toEqual(['朝阳市12月3日重污染天气应对情况']);
  });
});
