/**
 * A level change judges the whole process (#12.5, DOMAIN §3b): the elapsed days joined to the new
 * forecast, so the days already lived keep the level they earned, and the lift is judged ahead.
 */
import { describe, expect, it } from 'vitest';
import { adviseProcess, adviseTransition, defaultPlan, processSeries } from '../../../src/domain/index.js';

const days = (first: string, aqis: number[]) =>
  aqis.map((aqi, i) => {
    const d = new Date(`${first}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    return { date: d.toISOString().slice(0, 10), aqi };
  });

describe('the whole process', () => {
  it('joins the elapsed days right before the forecast, dropping any before a gap', () => {
    const joined = processSeries(
      [...days('2026-12-01', [160]), ...days('2026-12-03', [170, 180])],
      days('2026-12-05', [190]),
    );
    expect(joined.map((d) => d.date)).toEqual(['2026-12-03', '2026-12-04', '2026-12-05']);
    expect(processSeries(days('2026-12-01', [160]), [])).toEqual([]);
  });

  it('near the end of an orange process, a milder forecast does not step it down', () => {
    const lived = days('2026-12-01', [230, 240]);
    const ahead = days('2026-12-03', [180, 170]);
    expect(adviseTransition(defaultPlan, 'orange', ahead)).toMatchObject({
      action: 'lower',
      level: 'yellow',
    });
    expect(adviseProcess(defaultPlan, 'orange', lived, ahead)).toMatchObject({
      action: 'none',
      level: 'orange',
    });
  });

  it('raises on the days already lived, and says so in its reasons', () => {
    const lived = days('2026-12-01', [160, 170]);
    const ahead = days('2026-12-03', [180]);
    expect(adviseTransition(defaultPlan, 'yellow', ahead).action).toBe('none');
    const advice = adviseProcess(defaultPlan, 'yellow', lived, ahead);
    expect(advice).toMatchObject({ action: 'raise', level: 'orange' });
    expect(advice.reasons[0]!.rule).toBe(
      '橙色预警：日AQI>150持续72小时及以上（orange.2）（按全过程研判，含已过去的2天：12月1日、12月2日）',
    );
  });

  it('judges the lift on the forecast ahead, whatever the days lived', () => {
    const advice = adviseProcess(
      defaultPlan,
      'orange',
      days('2026-12-01', [230, 240]),
      days('2026-12-03', [80, 70]),
    );
    expect(advice).toMatchObject({ action: 'lift', level: 'none' });
  });

  it('without a warning in force, the forecast alone decides (a start, or an early response)', () => {
    const ahead = days('2026-12-03', [120, 130]);
    expect(adviseProcess(defaultPlan, 'none', days('2026-12-01', [230, 240]), ahead)).toEqual(
      adviseTransition(defaultPlan, 'none', ahead),
    );
  });
});
