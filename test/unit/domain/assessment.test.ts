/** The effect assessment of an episode (pure): forecast vs observed, the verified cut, duties, follow-ups, the statement. */
import { describe, expect, it } from 'vitest';
import {
  type AssessmentInput,
  type EnterpriseLevelCut,
  assessEpisode,
  forecastAsMade,
  planThresholds,
} from '../../../src/domain/assessment.js';
import type { DutyRecord } from '../../../src/domain/index.js';
import { defaultPlan } from '../../../src/domain/index.js';
import { series } from './helpers.js';

const cut = (over: Partial<EnterpriseLevelCut>): EnterpriseLevelCut => ({
  enterpriseId: 'e1',
  county: 'shuangta',
  grade: 'B',
  industry: '水泥',
  level: 'orange',
  days: 2,
  compliantDays: 2,
  nonCompliantDays: 0,
  noDataDays: 0,
  exemptDays: 0,
  cutSum: 0.5,
  requiredSum: 0.4,
  ...over,
});

const duty = (
  key: string,
  status: DutyRecord['status'],
  dueAt: string | null = '2026-12-01T17:00:00+08:00',
) => ({
  key,
  dutyId: '3.1',
  unitId: key,
  responseDay: 1,
  dueAt,
  status,
});

/** A yellow warning from 12-01 08:00, raised to orange on 12-02 10:00, lifted 12-04 12:00. */
function input(over: Partial<AssessmentInput> = {}): AssessmentInput {
  return {
    plan: defaultPlan,
    episode: {
      episodeId: 'episode:chaoyang:2026-12-01:1',
      jurisdiction: 'chaoyang',
      firstDay: '2026-12-01',
      warnings: [
        { kind: 'issued', level: 'yellow', at: '2026-12-01T08:00:00+08:00' },
        { kind: 'changed', level: 'orange', at: '2026-12-02T10:00:00+08:00' },
        { kind: 'lifted', level: 'orange', at: '2026-12-04T12:00:00+08:00' },
      ],
      liftedAt: '2026-12-04T12:00:00+08:00',
      closedAt: null,
    },
    consultations: [
      // made on 11-30: forecasts 12-01 … 12-04
      { at: '2026-11-30T15:00:00+08:00', days: series([180, 220, 240, 160], '2026-12-01') },
      // made on 12-02: revises 12-02 … 12-04 (12-02 is "by then")
      { at: '2026-12-02T09:00:00+08:00', days: series([230, 250, 150], '2026-12-02') },
    ],
    observed: [
      { date: '2026-12-01', aqi: 170, complete: true },
      { date: '2026-12-02', aqi: 210, complete: true },
      { date: '2026-12-03', aqi: 205, complete: true },
      { date: '2026-12-04', aqi: null, complete: false, reason: '无任何有效污染物日值，无法计算AQI' },
    ],
    electricity: [
      cut({ enterpriseId: 'e1', level: 'yellow', days: 1, compliantDays: 1, cutSum: 0.2, requiredSum: 0.1 }),
      cut({ enterpriseId: 'e1', level: 'orange', days: 3, compliantDays: 3, cutSum: 0.75, requiredSum: 0.6 }),
      cut({
        enterpriseId: 'e2',
        county: 'beipiao',
        grade: 'C',
        industry: '',
        level: 'orange',
        days: 3,
        compliantDays: 0,
        nonCompliantDays: 2,
        noDataDays: 1,
        cutSum: 0.2,
        requiredSum: 0.6,
      }),
      cut({
        enterpriseId: 'e3',
        county: 'beipiao',
        level: 'orange',
        days: 3,
        compliantDays: 0,
        noDataDays: 3,
        cutSum: 0,
        requiredSum: 0,
      }),
      cut({
        enterpriseId: 'e4',
        grade: 'A',
        level: 'orange',
        days: 3,
        compliantDays: 0,
        exemptDays: 3,
        cutSum: 0,
        requiredSum: 0,
      }),
    ],
    duties: [
      duty('a', 'submitted'),
      duty('b', 'late'),
      duty('c', 'overdue'),
      duty('d', 'pending'),
      duty('standing', 'pending', null),
    ],
    followups: [
      { enterpriseId: 'e2', action: 'inspection', at: '2026-12-02T18:00:00+08:00' },
      { enterpriseId: 'e2', action: 'closed', at: '2026-12-03T18:00:00+08:00' },
      { enterpriseId: 'e5', action: 'inspection', at: '2026-12-03T18:00:00+08:00' },
    ],
    asOf: '2026-12-05T10:00:00+08:00',
    ...over,
  };
}

describe('episode assessment', () => {
  it('takes the thresholds from the plan', () => {
    expect(planThresholds(defaultPlan)).toEqual([150, 200, 300]);
  });

  it('compares each day with the forecast the office had when the day came', () => {
    const a = assessEpisode(input());
    expect(a.finished).toBe(true);
    expect(a.from).toBe('2026-12-01');
    expect(a.to).toBe('2026-12-04');
    expect(a.days.map((d) => [d.date, d.level, d.forecast, d.observed, d.error])).toEqual([
      ['2026-12-01', 'yellow', 180, 170, 10],
      ['2026-12-02', 'orange', 230, 210, 20], // the 12-02 consultation, changed to orange that day
      ['2026-12-03', 'orange', 250, 205, 45],
      ['2026-12-04', 'orange', 150, null, null], // lifted at noon: orange was in force that day
    ]);
    expect(a.days[3]?.observedReason).toContain('无法计算AQI');
    expect(a.comparedDays).toBe(3);
    expect(a.meanAbsoluteError).toBe(25);
    expect(a.meanError).toBe(25);
    expect(a.observed).toMatchObject({ days: 3, peak: 210, peakDate: '2026-12-02', mean: 195 });
    expect(a.observed.daysOver).toEqual([
      { threshold: 150, days: 3 },
      { threshold: 200, days: 2 },
      { threshold: 300, days: 0 },
    ]);
    expect(a.forecast).toMatchObject({ days: 4, peak: 250, peakDate: '2026-12-03', mean: 202.5 });
    expect(a.forecast.daysOver.map((x) => x.days)).toEqual([3, 2, 0]);
  });

  it('falls back to the earliest forecast of a day only forecast after it came', () => {
    const cs = [{ at: '2026-12-03T09:00:00+08:00', days: series([120], '2026-12-01') }];
    expect(forecastAsMade(cs, '2026-12-01')).toBe(120);
    expect(forecastAsMade(cs, '2026-12-02')).toBeNull();
  });

  it('verifies the cut by level, county, grade and industry, with the enterprises without data', () => {
    const e = assessEpisode(input()).emission;
    expect(e.overall).toMatchObject({ enterprises: 4, withData: 2, noData: 1, exempt: 1 });
    expect(e.overall.compliantDays).toBe(4);
    expect(e.overall.nonCompliantDays).toBe(2);
    // (0.2 + 0.75 + 0.2) / 6 enterprise-days with data
    expect(e.overall.meanCut).toBeCloseTo(1.15 / 6, 6);
    expect(e.overall.meanRequired).toBeCloseTo(1.3 / 6, 6);
    expect(e.overall.complianceRate).toBeCloseTo(4 / 6, 6);
    expect(e.byLevel.map((g) => [g.key, g.label, g.planPercent, g.enterprises])).toEqual([
      ['yellow', '黄色预警', 10, 1],
      ['orange', '橙色预警', 20, 4],
    ]);
    expect(e.byCounty.map((g) => [g.label, g.enterprises, g.noData])).toEqual([
      ['双塔区', 2, 0],
      ['北票市', 2, 1],
    ]);
    expect(e.byGrade.map((g) => [g.label, g.enterprises, g.exempt])).toEqual([
      ['A级', 1, 1],
      ['B级', 2, 0],
      ['C级', 1, 0],
    ]);
    expect(e.byIndustry.map((g) => g.label)).toEqual(['未填行业', '水泥']);
  });

  it('counts duties with a deadline and follow-ups per enterprise', () => {
    const a = assessEpisode(input());
    expect(a.duties).toEqual({ total: 4, onTime: 1, late: 1, overdue: 1, pending: 1 });
    expect(a.followups).toEqual({ enterprises: 2, opened: 2, closed: 1, open: 1 });
  });

  it('states what the figures support without claiming the measures caused the AQI', () => {
    const text = assessEpisode(input()).statement.join('\n');
    expect(text).toContain('朝阳市本次过程12月1日至12月4日共4天，其中3天有实况日AQI，4天有会商预报。');
    expect(text).toContain('实况日AQI峰值210（12月2日），均值195，超过150的3天、超过200的2天、超过300的0天');
    expect(text).toContain('预报平均绝对误差25，实况AQI平均比预报低25');
    expect(text).toContain('不能据此认定减排措施使AQI降低了多少');
    expect(text).toContain('参与核算企业4家，其中有用电数据2家、无数据1家、豁免1家');
    expect(text).toContain('有数据的企业用电量较基准平均下降19.2%，低于按方案要求折算的平均21.7%');
    expect(text).toContain('橙色预警期间平均下降19.0%');
    expect(text).toContain('用电量下降是企业减产限产的间接证据，不等于污染物排放量的实测削减');
    expect(text).toContain('有时限的职责4项，按时完成1项，迟报1项，逾期未报1项，尚未到期或未完成1项');
    expect(text).toContain('对2家企业开展执法跟进2次，办结1件，尚有1家未办结');
    expect(text).toContain('不能将空气质量好于预报归于减排措施');
    expect(text).not.toMatch(/措施(使|导致)(空气质量|AQI)(改善|下降)/);
  });

  it('when the cut was met and air better than forecast, still says the figures do not prove cause', () => {
    const a = assessEpisode(input({ electricity: [cut({ cutSum: 0.5, requiredSum: 0.4 })] }));
    expect(a.statement.at(-1)).toBe(
      '综上：企业用电数据表明减排措施总体落实，同期实况空气质量好于会商预报；两者同时出现，但这些数据不足以证明二者的因果关系及其程度。',
    );
  });

  it('says so when nothing was observed and nothing accounted', () => {
    const a = assessEpisode(input({ observed: [], electricity: [] }));
    expect(a.observed.days).toBe(0);
    expect(a.days.every((d) => d.observedReason === '无实况数据')).toBe(true);
    expect(a.statement).toContain('缺少实况数据，无法比较预报与实况。');
    expect(a.statement).toContain('无耗电量核算结果，减排落实情况无法用用电数据核实。');
  });

  it('assesses an unfinished episode up to now, and says it is not over', () => {
    const base = input();
    const a = assessEpisode({
      ...base,
      episode: { ...base.episode, warnings: base.episode.warnings.slice(0, 2), liftedAt: null },
      asOf: '2026-12-03T09:00:00+08:00',
    });
    expect(a.finished).toBe(false);
    expect(a.to).toBe('2026-12-03');
    expect(a.statement[0]).toMatch(/^过程尚未结束/);
  });

  it('has nothing to assess without a warning or early response', () => {
    const base = input();
    const a = assessEpisode({
      ...base,
      episode: { ...base.episode, firstDay: null, warnings: [], liftedAt: null },
    });
    expect(a.days).toEqual([]);
    expect(a.statement).toEqual(['本次过程未启动预警或提前应对，无应对成效可评估。']);
  });
});
