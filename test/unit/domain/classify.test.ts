import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adviseTransition,
  classifyForecast,
  DomainError,
  defaultPlan,
  ErrorCode,
  earlyResponse,
  LEVEL_RANK,
  liftProposal,
  reductionPercentFor,
  responseFor,
} from '../../../src/domain/index.js';
import { clonePlan, series } from './helpers.js';

const classify = (aqis: number[]) => classifyForecast(defaultPlan, series(aqis));
const levelOf = (aqis: number[]) => classify(aqis).level;
const ruleIds = (aqis: number[]) => classify(aqis).reasons.map((r) => r.ruleId);

describe('classifyForecast — DOMAIN.md §2 boundaries', () => {
  it.each([
    // [aqis, level, rule ids]
    [[], 'none', []],
    [[150], 'none', []],
    [[151], 'none', []],
    [[200], 'none', []],
    [[201], 'yellow', ['yellow.1']],
    [[150, 150], 'none', []],
    [[150, 151], 'none', []],
    [[151, 150], 'none', []],
    [[151, 151], 'yellow', ['yellow.2']],
    [[200, 200], 'yellow', ['yellow.2']],
    [[201, 150], 'yellow', ['yellow.1']],
    [[201, 151], 'yellow', ['yellow.1', 'yellow.2']],
    [[201, 200], 'yellow', ['yellow.1', 'yellow.2']],
    [[151, 151, 150], 'yellow', ['yellow.2']],
    [[151, 151, 151], 'orange', ['orange.2']],
    [[151, 150, 151, 151], 'yellow', ['yellow.2']],
    [[151, 151, 150, 151, 151], 'yellow', ['yellow.2']],
    [[201, 201], 'orange', ['orange.1']],
    [[201, 200, 201], 'orange', ['orange.2']],
    [[201, 150, 201], 'yellow', ['yellow.1']],
    [[201, 201, 201], 'orange', ['orange.1', 'orange.2']],
    [[201, 201, 300], 'orange', ['orange.1', 'orange.2']],
    [[201, 201, 301], 'red', ['red.1']],
    [[301, 201, 201], 'red', ['red.1']],
    [[201, 301, 201], 'red', ['red.1']],
    [[301, 301], 'orange', ['orange.1']],
    [[301], 'yellow', ['yellow.1']],
    [[200, 201, 201, 201], 'orange', ['orange.1', 'orange.2']],
    [[301, 301, 301, 301], 'red', ['red.1']],
  ] as const)('%j → %s', (aqis, level, ids) => {
    expect(levelOf([...aqis])).toBe(level);
    expect(ruleIds([...aqis])).toEqual(ids);
  });

  it('red needs the >300 day inside the >200 run of ≥3 days', () => {
    // >300 on day 1, but the 3-day >200 run is days 3–5: not red.
    expect(levelOf([301, 200, 201, 201, 201])).toBe('orange');
    expect(levelOf([201, 201, 201, 200, 301])).toBe('orange');
    // the same days with the run unbroken are red
    expect(levelOf([301, 201, 201, 201, 201])).toBe('red');
  });

  it('says which days fired each rule', () => {
    const result = classifyForecast(defaultPlan, series([100, 160, 170, 120], '2026-12-30'));
    expect(result).toEqual({
      level: 'yellow',
      response: 'III',
      reasons: [
        {
          level: 'yellow',
          ruleId: 'yellow.2',
          rule: '黄色预警：日AQI>150持续48小时及以上（yellow.2）',
          days: ['2026-12-31', '2027-01-01'],
        },
      ],
    });
    const red = classifyForecast(defaultPlan, series([250, 320, 260, 90]));
    expect(red.response).toBe('I');
    expect(red.reasons[0]?.days).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
  });

  it('maps levels to responses and reductions from plan data', () => {
    expect(classify([201]).response).toBe('III');
    expect(classify([201, 201]).response).toBe('II');
    expect(classify([201, 201, 301]).response).toBe('I');
    expect(classify([100]).response).toBeNull();
    expect(['none', 'yellow', 'orange', 'red'].map((l) => responseFor(defaultPlan, l as 'none'))).toEqual([
      null,
      'III',
      'II',
      'I',
    ]);
    expect(
      ['none', 'yellow', 'orange', 'red'].map((l) => reductionPercentFor(defaultPlan, l as 'none')),
    ).toEqual([0, 10, 20, 30]);
  });

  it('reads thresholds from the plan, not from code', () => {
    const plan = clonePlan(defaultPlan);
    const yellow = plan.warning.levels[0];
    const clause = yellow?.conditions[0]?.clauses[0];
    if (!clause) throw new Error('fixture');
    clause.aqiAbove = 250;
    expect(classifyForecast(plan, series([240])).level).toBe('none');
    expect(classifyForecast(plan, series([251])).level).toBe('yellow');
  });

  it.each([
    [
      'a gap',
      [
        { date: '2026-11-28', aqi: 210 },
        { date: '2026-11-30', aqi: 210 },
      ],
      /gap/,
    ],
    [
      'a duplicate',
      [
        { date: '2026-11-28', aqi: 210 },
        { date: '2026-11-28', aqi: 210 },
      ],
      /duplicate/,
    ],
    [
      'unsorted days',
      [
        { date: '2026-11-29', aqi: 210 },
        { date: '2026-11-28', aqi: 210 },
      ],
      /not sorted/,
    ],
    ['a bad date', [{ date: '2026-02-30', aqi: 210 }], /not a date/],
    ['a negative AQI', [{ date: '2026-11-28', aqi: -1 }], /aqi/],
    ['a NaN AQI', [{ date: '2026-11-28', aqi: Number.NaN }], /aqi/],
  ])('rejects %s with INVALID_FORECAST', (_name, days, message) => {
    let error: unknown;
    try {
      classifyForecast(defaultPlan, days);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.INVALID_FORECAST);
    expect((error as DomainError).message).toMatch(message);
  });

  it('accepts consecutive days across month and year ends', () => {
    expect(classifyForecast(defaultPlan, series([160, 160, 160], '2026-12-31')).level).toBe('orange');
    expect(classifyForecast(defaultPlan, series([160, 160, 160], '2028-02-28')).level).toBe('orange');
  });

  it('property: raising any day never lowers the level', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 10 }),
        fc.nat(),
        fc.integer({ min: 1, max: 300 }),
        (aqis, index, delta) => {
          const i = index % aqis.length;
          const raised = aqis.map((a, k) => (k === i ? a + delta : a));
          expect(LEVEL_RANK[levelOf(raised)]).toBeGreaterThanOrEqual(LEVEL_RANK[levelOf(aqis)]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: every reason day really is above the rule threshold', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 8 }), (aqis) => {
        const days = series(aqis);
        for (const reason of classifyForecast(defaultPlan, days).reasons) {
          for (const date of reason.days) expect(days.find((d) => d.date === date)?.aqi).toBeGreaterThan(150);
        }
      }),
    );
  });
});

describe('earlyResponse', () => {
  it('holds for a sub-threshold pollution process, ozone included', () => {
    expect(earlyResponse(defaultPlan, series([90, 101])).early).toBe(true);
    expect(earlyResponse(defaultPlan, series([100, 100])).early).toBe(false);
    const ozone = earlyResponse(defaultPlan, [{ date: '2026-06-10', aqi: 140, primaryPollutants: ['O3'] }]);
    expect(ozone.early).toBe(true);
    expect(ozone.reasons[0]?.rule).toContain('臭氧');
    expect(ozone.reasons[0]?.days).toEqual(['2026-06-10']);
  });

  it('does not hold when a warning condition is met', () => {
    expect(earlyResponse(defaultPlan, series([201])).early).toBe(false);
    expect(earlyResponse(defaultPlan, series([151, 151])).early).toBe(false);
  });

  it('honours a pollutant filter in plan data', () => {
    const plan = clonePlan(defaultPlan);
    plan.earlyResponse.conditions = [
      {
        id: 'early.o3',
        description: '臭氧污染过程',
        aqiAbove: 100,
        minConsecutiveDays: 2,
        primaryPollutants: ['O3'],
      },
    ];
    const days = [
      { date: '2026-06-10', aqi: 120, primaryPollutants: ['O3'] },
      { date: '2026-06-11', aqi: 120, primaryPollutants: ['PM2.5'] },
      { date: '2026-06-12', aqi: 120, primaryPollutants: ['O3'] },
    ];
    expect(earlyResponse(plan, days).early).toBe(false);
    expect(
      earlyResponse(
        plan,
        days.map((d) => ({ ...d, primaryPollutants: ['O3'] })),
      ).early,
    ).toBe(true);
  });
});

describe('liftProposal', () => {
  it('proposes a lift when the next 36 h (2 days) stay below yellow', () => {
    const lift = liftProposal(defaultPlan, series([150, 90]), 'orange');
    expect(lift.propose).toBe(true);
    expect(lift.requiredDays).toBe(2);
    expect(lift.reasons[0]?.days).toEqual(['2026-11-28', '2026-11-29']);
    expect(lift.reasons[0]?.rule).toContain('橙色预警');
  });

  it('does not lift on a forecast shorter than 36 h, or still polluted', () => {
    expect(liftProposal(defaultPlan, series([90]), 'yellow').propose).toBe(false);
    expect(liftProposal(defaultPlan, series([151, 151]), 'yellow').propose).toBe(false);
    expect(liftProposal(defaultPlan, series([90, 201]), 'yellow').propose).toBe(false);
    expect(liftProposal(defaultPlan, series([90, 90]), 'none').propose).toBe(false);
  });

  it('uses the plan hours: 72 h needs 3 days', () => {
    const plan = clonePlan(defaultPlan);
    plan.lift.minHoursBelow = 72;
    expect(liftProposal(plan, series([90, 90]), 'red').propose).toBe(false);
    expect(liftProposal(plan, series([90, 90, 90]), 'red').propose).toBe(true);
  });
});

describe('adviseTransition', () => {
  it.each([
    ['none', [201], 'start', 'yellow'],
    ['none', [90, 90], 'none', 'none'],
    ['yellow', [201, 201], 'raise', 'orange'],
    ['orange', [201, 201, 301], 'raise', 'red'],
    ['red', [201], 'lower', 'yellow'],
    ['orange', [160, 160], 'lower', 'yellow'],
    ['yellow', [201], 'none', 'yellow'],
    ['yellow', [100, 100], 'lift', 'none'],
    ['red', [50], 'none', 'red'],
  ] as const)('%s + %j → %s %s', (current, aqis, action, level) => {
    const advice = adviseTransition(defaultPlan, current, series([...aqis]));
    expect(advice.action).toBe(action);
    expect(advice.level).toBe(level);
  });

  it('flags an early response when nothing else applies', () => {
    const advice = adviseTransition(defaultPlan, 'none', series([120]));
    expect(advice).toMatchObject({ action: 'none', earlyResponse: true });
    expect(advice.reasons[0]?.ruleId).toBe('early.1');
  });
});
