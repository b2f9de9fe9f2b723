/**
 * Observed air quality in an episode (#14.3): lived days take their observed AQI, a lift is proposed
 * only when the air observed is below the lowest warning condition and the forecast from today keeps
 * it so for the plan's hours, and a day observed worse than forecast is named to the office.
 */
import { describe, expect, it } from 'vitest';
import {
  type ForecastDay,
  type ObservedDay,
  defaultPlan,
  livedDays,
  observedLift,
  warningFloorAqi,
  worseThanForecast,
} from '../../../src/domain/index.js';

const plan = defaultPlan;
const seen = (date: string, aqi: number | null, complete = true): ObservedDay => ({
  date,
  aqi,
  primaryPollutants: ['PM2.5'],
  complete,
});
const byDate = (days: ForecastDay[]) => Object.fromEntries(days.map((d) => [d.date, d]));

describe('the days already lived', () => {
  const forecastAt = byDate([
    { date: '2026-12-01', aqi: 180 },
    { date: '2026-12-02', aqi: 190 },
    { date: '2026-12-03', aqi: 170 },
  ]);

  it('take their observed AQI where a complete observation is known, else the forecast at the time', () => {
    const observed = { '2026-12-01': seen('2026-12-01', 232), '2026-12-02': seen('2026-12-02', 140, false) };
    expect(livedDays(forecastAt, observed, '2026-12-01', '2026-12-03')).toEqual([
      { date: '2026-12-01', aqi: 232, primaryPollutants: ['PM2.5'] },
      { date: '2026-12-02', aqi: 190 },
    ]);
  });

  it('a day without any valid item (AQI null) is never read as zero', () => {
    const observed = { '2026-12-01': seen('2026-12-01', null) };
    expect(livedDays(forecastAt, observed, '2026-12-01', '2026-12-02')).toEqual([
      { date: '2026-12-01', aqi: 180 },
    ]);
  });

  it('none before the process started', () => {
    expect(livedDays(forecastAt, {}, null, '2026-12-03')).toEqual([]);
    expect(livedDays(forecastAt, {}, '2026-12-02', '2026-12-03')).toEqual([{ date: '2026-12-02', aqi: 190 }]);
  });
});

describe('a lift on observation', () => {
  const forecast: ForecastDay[] = [
    { date: '2026-12-01', aqi: 230 },
    { date: '2026-12-02', aqi: 210 },
    { date: '2026-12-03', aqi: 95 },
    { date: '2026-12-04', aqi: 80 },
  ];
  const at = (hourEnd: string, aqi: number | null) => ({ hourEnd, aqi });

  it('the floor is the lowest threshold of the lowest level (yellow: AQI>150 for 48 h)', () => {
    expect(warningFloorAqi(plan)).toBe(150);
  });

  it('is proposed once the air observed is at or below the floor and the forecast from today stays below for 36 h', () => {
    const lift = observedLift(plan, {
      level: 'yellow',
      latest: at('2026-12-03T08:00:00+08:00', 150),
      lastDay: null,
      forecast,
      today: '2026-12-03',
    });
    expect(lift.propose).toBe(true);
    if (!lift.propose) return;
    expect(lift.observedText).toBe(
      '2026年12月3日8时前24小时滑动平均AQI为150，已低于黄色预警启动条件（AQI>150）',
    );
    expect(lift.reasons[0]?.days).toEqual(['2026-12-03', '2026-12-04']);
    expect(lift.reasons[0]?.rule.startsWith(lift.observedText)).toBe(true);
  });

  it('not while the air observed is still above the floor, even with a clean forecast', () => {
    expect(
      observedLift(plan, {
        level: 'yellow',
        latest: at('2026-12-03T08:00:00+08:00', 151),
        lastDay: null,
        forecast,
        today: '2026-12-03',
      }).propose,
    ).toBe(false);
  });

  it('not on the day the forecast still has a polluted day ahead within 36 h', () => {
    expect(
      observedLift(plan, {
        level: 'orange',
        latest: at('2026-12-02T20:00:00+08:00', 120),
        lastDay: null,
        forecast,
        today: '2026-12-02',
      }).propose,
    ).toBe(false);
  });

  it('not when the forecast from today is shorter than the lift hours, and never without a warning', () => {
    const short = {
      latest: at('2026-12-04T08:00:00+08:00', 90),
      lastDay: null,
      forecast,
      today: '2026-12-04',
    };
    expect(observedLift(plan, { ...short, level: 'yellow' }).propose).toBe(false);
    expect(observedLift(plan, { ...short, level: 'none', today: '2026-12-03' }).propose).toBe(false);
  });

  it('falls back to the last complete day when no rolling value is known; missing data never lifts', () => {
    const base = { level: 'yellow' as const, forecast, today: '2026-12-03' };
    const byDay = observedLift(plan, { ...base, latest: null, lastDay: seen('2026-12-02', 140) });
    expect(byDay.propose && byDay.observedText).toBe(
      '12月2日实况日AQI为140，已低于黄色预警启动条件（AQI>150）',
    );
    expect(
      observedLift(plan, { ...base, latest: at('2026-12-03T08:00:00+08:00', null), lastDay: null }).propose,
    ).toBe(false);
    expect(
      observedLift(plan, { ...base, latest: null, lastDay: seen('2026-12-02', 140, false) }).propose,
    ).toBe(false);
  });
});

describe('worse than forecast', () => {
  const forecast: ForecastDay[] = [
    { date: '2026-12-01', aqi: 168 },
    { date: '2026-12-02', aqi: 175 },
    { date: '2026-12-03', aqi: 120 },
  ];
  const input = {
    level: 'yellow' as const,
    forecastAt: byDate(forecast),
    observed: {},
    firstDay: '2026-12-01',
    forecast,
    prompted: [],
  };

  it('a day in a higher AQI category than forecast is named, with the level the process now reaches', () => {
    const [w] = worseThanForecast(plan, { ...input, days: [seen('2026-12-01', 215)] });
    expect(w).toMatchObject({ date: '2026-12-01', observed: 215, forecast: 168, reaches: null });
    expect(w?.text).toBe('12月1日实况日AQI为215（重度污染），会商预报为168（中度污染），实况较预报偏重');
    const orange = worseThanForecast(plan, {
      ...input,
      forecast: [...forecast.slice(0, 1), { date: '2026-12-02', aqi: 240 }],
      days: [seen('2026-12-01', 215)],
    });
    expect(orange[0]?.reaches).toBe('orange');
    expect(orange[0]?.text).toContain('按实况与预报研判已达到橙色预警启动条件');
  });

  it('the same category, an incomplete day, a day already prompted, or a day never forecast: nothing', () => {
    expect(worseThanForecast(plan, { ...input, days: [seen('2026-12-01', 190)] })).toEqual([]);
    expect(worseThanForecast(plan, { ...input, days: [seen('2026-12-01', 215, false)] })).toEqual([]);
    expect(
      worseThanForecast(plan, { ...input, prompted: ['2026-12-01'], days: [seen('2026-12-01', 215)] }),
    ).toEqual([]);
    expect(worseThanForecast(plan, { ...input, days: [seen('2026-11-30', 260)] })).toEqual([]);
  });
});
