import { describe, expect, it } from 'vitest';
import {
  assessElectricity,
  assessEnterprise,
  computeBaseline,
  DomainError,
  defaultPlan,
  type Enterprise,
  electricityContext,
  type MeterReading,
  nextDate,
  requiredCut,
} from '../../../src/domain/index.js';
import { clonePlan } from './helpers.js';

/** Daily readings from `start`, one per value. */
function meter(start: string, values: Array<number | null>): MeterReading[] {
  return values.map((kwh, i) => ({ date: nextDate(start, i), kwh }));
}

const START = '2026-11-20';
/** 19 normal days of 100 kWh (Nov 1–19) then the response days. */
const normal = (response: Array<number | null>) =>
  meter('2026-11-01', [...Array<number>(19).fill(100), ...response]);
const firm = (over: Partial<Enterprise> = {}): Enterprise => ({ id: 'e1', grade: 'B', key: true, ...over });

describe('baseline', () => {
  const ctx = electricityContext(defaultPlan, START);

  it('is the mean of the N most recent normal days before the start', () => {
    const readings = meter('2026-11-01', [...Array<number>(9).fill(500), ...Array<number>(10).fill(100), 10]);
    expect(computeBaseline(ctx, readings)).toEqual({ baseline: 100, daysUsed: 10 });
  });

  it('skips excluded dates and missing data', () => {
    // Nov 10–19: 100 each except Nov 18 (null) and Nov 19 (excluded, 1000); Nov 8–9: 40 fill in
    const values: Array<number | null> = [
      ...Array<number>(7).fill(0),
      40,
      40,
      ...Array<number>(8).fill(100),
      null,
      1000,
    ];
    const readings = meter('2026-11-01', values);
    const withExclusion = electricityContext(defaultPlan, START, ['2026-11-19']);
    expect(computeBaseline(withExclusion, readings)).toEqual({
      baseline: (8 * 100 + 2 * 40) / 10,
      daysUsed: 10,
    });
    expect(computeBaseline(ctx, readings).baseline).toBeCloseTo((1000 + 8 * 100 + 40) / 10);
  });

  it('uses plan-level excluded dates (holidays)', () => {
    const plan = clonePlan(defaultPlan);
    plan.electricity.excludedDates = ['2026-11-19'];
    const readings = meter('2026-11-09', [...Array<number>(10).fill(100), 1000]);
    expect(computeBaseline(electricityContext(plan, START), readings)).toEqual({
      baseline: 100,
      daysUsed: 10,
    });
  });

  it('looks back no further than lookbackDays', () => {
    const readings = meter('2026-10-01', [
      ...Array<number>(10).fill(100),
      ...Array<number | null>(40).fill(null),
    ]);
    expect(computeBaseline(ctx, readings)).toEqual({ baseline: null, daysUsed: 0 });
  });

  it('is insufficient below the minimum number of days', () => {
    const readings = meter('2026-11-15', [100, 100, 100, 100, null]);
    expect(computeBaseline(ctx, readings)).toEqual({ baseline: null, daysUsed: 4 });
    expect(computeBaseline(ctx, meter('2026-11-15', [100, 100, 100, 100, 100])).baseline).toBe(100);
  });

  it('crosses month ends', () => {
    const marchCtx = electricityContext(defaultPlan, '2026-03-01');
    expect(computeBaseline(marchCtx, meter('2026-02-19', Array<number>(12).fill(80)))).toEqual({
      baseline: 80,
      daysUsed: 10,
    });
  });

  it('rejects unsorted readings', () => {
    const readings = [
      { date: '2026-11-19', kwh: 1 },
      { date: '2026-11-18', kwh: 1 },
    ];
    expect(() => computeBaseline(ctx, readings)).toThrow(DomainError);
  });
});

describe('verdicts', () => {
  const ctx = electricityContext(defaultPlan, START);
  const day = '2026-11-20';

  it.each([
    ['B', 'yellow', 90, 'compliant', 0.1],
    ['B', 'yellow', 91, 'non-compliant', 0.1],
    ['B', 'orange', 80, 'compliant', 0.2],
    ['B', 'red', 71, 'non-compliant', 0.3],
    ['C', 'yellow', 86, 'non-compliant', 0.15],
    ['C', 'yellow', 85, 'compliant', 0.15],
    ['D', 'red', 40, 'compliant', 0.6],
    ['D', 'red', 41, 'non-compliant', 0.6],
    ['unrated', 'orange', 70, 'compliant', 0.3],
  ] as const)('grade %s at %s consuming %d → %s (required %d)', (grade, level, kwh, verdict, required) => {
    const v = assessEnterprise(ctx, firm({ grade }), normal([kwh]), day, level);
    expect(v.verdict).toBe(verdict);
    expect(v.required).toBeCloseTo(required);
    expect(v.baseline).toBe(100);
    expect(v.consumption).toBe(kwh);
    expect(v.cut).toBeCloseTo(1 - kwh / 100);
    expect(v.daysUsed).toBe(10);
    expect(v.key).toBe(true);
  });

  it('exempts grade A and residential heating, still reporting the numbers', () => {
    const a = assessEnterprise(ctx, firm({ grade: 'A' }), normal([100]), day, 'red');
    expect(a).toMatchObject({
      verdict: 'exempt',
      reason: 'exempt-grade',
      required: null,
      baseline: 100,
      cut: 0,
    });
    const heating = assessEnterprise(
      ctx,
      firm({ grade: 'C', flags: ['heating'] }),
      normal([120]),
      day,
      'red',
    );
    expect(heating).toMatchObject({ verdict: 'exempt', reason: 'exempt-flag' });
    expect(heating.cut).toBeCloseTo(-0.2);
  });

  it('uses the enterprise one-factory-one-policy percentage when given', () => {
    const e = firm({ grade: 'C', measurePercent: { red: 50 } });
    expect(requiredCut(defaultPlan, e, 'red')).toBe(0.5);
    expect(requiredCut(defaultPlan, e, 'yellow')).toBeCloseTo(0.15);
    expect(assessEnterprise(ctx, e, normal([55]), day, 'red').verdict).toBe('non-compliant');
  });

  it('caps the requirement at 100 % and honours the tolerance', () => {
    const plan = clonePlan(defaultPlan);
    plan.electricity.gradeMultipliers.D = 5;
    plan.electricity.tolerancePercent = 2;
    expect(requiredCut(plan, firm({ grade: 'D' }), 'red')).toBe(1);
    const tolerant = electricityContext(plan, START);
    expect(assessEnterprise(tolerant, firm(), normal([92]), day, 'yellow').verdict).toBe('compliant');
    expect(assessEnterprise(tolerant, firm(), normal([93]), day, 'yellow').verdict).toBe('non-compliant');
  });

  it('reports insufficient data: no baseline, no reading', () => {
    const noBaseline = assessEnterprise(ctx, firm(), meter('2026-11-17', [100, 100, 100, 50]), day, 'yellow');
    expect(noBaseline).toMatchObject({
      verdict: 'insufficient-data',
      reason: 'no-baseline',
      baseline: null,
      daysUsed: 3,
    });
    const noReading = assessEnterprise(ctx, firm(), normal([null]), day, 'yellow');
    expect(noReading).toMatchObject({
      verdict: 'insufficient-data',
      reason: 'no-reading',
      baseline: 100,
      consumption: null,
    });
    const absent = assessEnterprise(ctx, firm(), normal([]), day, 'yellow');
    expect(absent.verdict).toBe('insufficient-data');
    const zero = assessEnterprise(
      ctx,
      firm(),
      meter('2026-11-01', [...Array<number>(19).fill(0), 0]),
      day,
      'yellow',
    );
    expect(zero).toMatchObject({ verdict: 'insufficient-data', reason: 'zero-baseline' });
  });
});

describe('batch assessment', () => {
  it('counts verdicts per day and lists non-compliant (key) enterprises', () => {
    const meters = [
      { enterprise: firm({ id: 'ok' }), readings: normal([80, 95]) },
      { enterprise: firm({ id: 'bad-key' }), readings: normal([95, 95]) },
      { enterprise: firm({ id: 'bad-other', key: false }), readings: normal([99, 60]) },
      { enterprise: firm({ id: 'heat', flags: ['heating'] }), readings: normal([120, 120]) },
      { enterprise: firm({ id: 'new' }), readings: meter('2026-11-18', [100, 100, 90, 90]) },
    ];
    const days = assessElectricity(defaultPlan, meters, {
      episodeStart: START,
      days: [
        { date: '2026-11-20', level: 'yellow' },
        { date: '2026-11-21', level: 'orange' },
      ],
    });
    expect(days.map((d) => d.counts)).toEqual([
      { total: 5, compliant: 1, nonCompliant: 2, insufficientData: 1, exempt: 1 },
      { total: 5, compliant: 1, nonCompliant: 2, insufficientData: 1, exempt: 1 },
    ]);
    expect(days[0]?.nonCompliantIds).toEqual(['bad-key', 'bad-other']);
    expect(days[0]?.keyNonCompliantIds).toEqual(['bad-key']);
    expect(days[1]?.nonCompliantIds).toEqual(['ok', 'bad-key']);
  });

  // its speed is measured by `npm run bench:electricity`, never asserted here (noisy machines)
  it('assesses 10 000 enterprises × 30 days, a quarter of them exempt', () => {
    const n = 10_000;
    const meters = Array.from({ length: n }, (_, i) => ({
      enterprise: { id: `e${i}`, grade: (['A', 'B', 'C', 'D'] as const)[i % 4] ?? 'B', key: i % 10 === 0 },
      readings: meter(
        '2026-10-21',
        Array.from({ length: 60 }, (_, d) => (d < 30 ? 1000 : 700 + ((i + d) % 400))),
      ),
    }));
    const days = Array.from({ length: 30 }, (_, k) => ({
      date: nextDate(START, k),
      level: 'orange' as const,
    }));
    const result = assessElectricity(defaultPlan, meters, { episodeStart: START, days });
    expect(result).toHaveLength(30);
    expect(result[0]?.counts.total).toBe(n);
    expect(result[0]?.counts.exempt).toBe(n / 4);
  });
});
