/**
 * Reduction targets and the electricity test (耗电量核算, duty 2.5/2.6).
 *
 * Baseline: mean daily consumption over the most recent `baselineDays` normal days before the
 * episode start, looking back at most `lookbackDays` calendar days, skipping excluded dates
 * (plan holidays + caller's exclusions such as earlier episodes) and days with missing data.
 * Fewer than `minBaselineDays` usable days → 'insufficient-data'.
 *
 * Achieved cut on a response day = 1 − consumption / baseline (a fraction; may be negative).
 *
 * Grade rule (the plan is silent; product rule, plan data):
 * - grade A (exemptGrades) and enterprises flagged as livelihood / residential heating
 *   (exemptFlags: 民生保障、供暖) are 'exempt': A-grade enterprises take self-determined measures and
 *   heating produces to heat demand. Their numbers are still reported.
 * - otherwise required = the enterprise's own one-factory-one-policy percentage for the level when
 *   given, else level reduction (10/20/30 %) × gradeMultipliers[grade], capped at 100 %.
 * - compliant when cut ≥ required − tolerancePercent.
 *
 * Performance: dates are compared as 'YYYY-MM-DD' strings (lexicographic = chronological), readings
 * must be sorted ascending by date, lookups are binary searches, and the batch functions build their
 * lookup structures once. No per-reading allocation.
 */
import { nextDate } from './calendar.js';
import { DomainError, ErrorCode } from './errors.js';
import type { ElectricitySettings, PerformanceGrade, ResponsePlan, WarningLevel } from './plan-types.js';

export interface MeterReading {
  /** CST day 'YYYY-MM-DD'. */
  date: string;
  /** Daily consumption (kWh); null or non-finite = missing data. */
  kwh: number | null;
}

export interface Enterprise {
  id: string;
  name?: string;
  grade: PerformanceGrade;
  /** Key enterprise (重点减排企业): under on-site supervision. Carried through to the verdicts. */
  key: boolean;
  /** e.g. ['heating'] (供暖) or ['livelihood'] (民生保障). */
  flags?: string[];
  /** One-factory-one-policy reduction per level, percent; overrides the grade rule when given. */
  measurePercent?: Partial<Record<WarningLevel, number>>;
}

export type ElectricityVerdictKind = 'compliant' | 'non-compliant' | 'insufficient-data' | 'exempt';

export interface BaselineResult {
  /** Mean kWh/day, or null when fewer than the minimum days were usable. */
  baseline: number | null;
  daysUsed: number;
}

export interface ElectricityVerdict {
  enterpriseId: string;
  key: boolean;
  grade: PerformanceGrade;
  date: string;
  level: WarningLevel;
  verdict: ElectricityVerdictKind;
  baseline: number | null;
  consumption: number | null;
  /** 1 − consumption / baseline, or null when it cannot be computed. */
  cut: number | null;
  /** Required cut as a fraction (0.2 = 20 %); null when exempt. */
  required: number | null;
  daysUsed: number;
  /** Short machine-readable reason: 'exempt-grade', 'exempt-flag', 'no-baseline', 'no-reading', … */
  reason: string;
}

/** Lookup structures built once per batch. */
export interface ElectricityContext {
  readonly plan: ResponsePlan;
  readonly settings: ElectricitySettings;
  readonly excluded: ReadonlySet<string>;
  readonly episodeStart: string;
  /** Earliest date the baseline may use (episodeStart − lookbackDays). */
  readonly lookbackFrom: string;
  readonly exemptGrades: ReadonlySet<string>;
  readonly exemptFlags: ReadonlySet<string>;
  /** Level reduction as a fraction (0.1 / 0.2 / 0.3). */
  readonly levelReduction: Readonly<Record<WarningLevel, number>>;
}

export function electricityContext(
  plan: ResponsePlan,
  episodeStart: string,
  excludedDates: ReadonlyArray<string> = [],
): ElectricityContext {
  const settings = plan.electricity;
  const excluded = new Set<string>(settings.excludedDates);
  for (const d of excludedDates) excluded.add(d);
  const levelReduction = { yellow: 0, orange: 0, red: 0 };
  for (const rule of plan.warning.levels) levelReduction[rule.level] = rule.reductionPercent / 100;
  return {
    plan,
    settings,
    excluded,
    episodeStart,
    lookbackFrom: nextDate(episodeStart, -settings.lookbackDays),
    exemptGrades: new Set<string>(settings.exemptGrades),
    exemptFlags: new Set(settings.exemptFlags),
    levelReduction,
  };
}

function isUsable(kwh: number | null): kwh is number {
  return kwh !== null && Number.isFinite(kwh) && kwh >= 0;
}

/** Baseline of one enterprise (see module header). Readings must be sorted ascending by date. */
export function computeBaseline(
  ctx: ElectricityContext,
  readings: ReadonlyArray<MeterReading>,
): BaselineResult {
  const { settings, excluded, episodeStart, lookbackFrom } = ctx;
  let sum = 0;
  let used = 0;
  let later: string | null = null;
  for (let i = readings.length - 1; i >= 0 && used < settings.baselineDays; i--) {
    const r = readings[i] as MeterReading;
    if (later !== null && r.date >= later) {
      throw new DomainError(
        ErrorCode.VALIDATION,
        `meter readings must be sorted by date without duplicates (${r.date})`,
      );
    }
    later = r.date;
    if (r.date >= episodeStart) continue;
    if (r.date < lookbackFrom) break;
    if (excluded.has(r.date) || !isUsable(r.kwh)) continue;
    sum += r.kwh;
    used++;
  }
  return { baseline: used >= settings.minBaselineDays ? sum / used : null, daysUsed: used };
}

/** Consumption on `date` (binary search), or null when absent or missing. */
export function consumptionOn(readings: ReadonlyArray<MeterReading>, date: string): number | null {
  let lo = 0;
  let hi = readings.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = readings[mid] as MeterReading;
    if (r.date === date) return isUsable(r.kwh) ? r.kwh : null;
    if (r.date < date) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

/** Required cut (fraction) for an enterprise at a level, or null when it is exempt. */
export function requiredCut(plan: ResponsePlan, enterprise: Enterprise, level: WarningLevel): number | null {
  const s = plan.electricity;
  if (exemptionReason(s, enterprise) !== null) return null;
  const own = enterprise.measurePercent?.[level];
  if (own !== undefined) return Math.min(1, Math.max(0, own / 100));
  const rule = plan.warning.levels.find((r) => r.level === level);
  if (!rule) throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no rule for level ${level}`);
  const grade = enterprise.grade === 'A' ? 'unrated' : enterprise.grade;
  return Math.min(1, (rule.reductionPercent / 100) * s.gradeMultipliers[grade]);
}

function exemptionReason(s: ElectricitySettings, enterprise: Enterprise): string | null {
  if (s.exemptGrades.includes(enterprise.grade)) return 'exempt-grade';
  const flags = enterprise.flags;
  if (flags) for (const f of flags) if (s.exemptFlags.includes(f)) return 'exempt-flag';
  return null;
}

/** Verdict for one enterprise on one response day, given its precomputed baseline. */
export function assessWithBaseline(
  ctx: ElectricityContext,
  enterprise: Enterprise,
  baseline: BaselineResult,
  consumption: number | null,
  date: string,
  level: WarningLevel,
): ElectricityVerdict {
  const base = baseline.baseline;
  const cut = base !== null && base > 0 && consumption !== null ? 1 - consumption / base : null;

  let verdict: ElectricityVerdictKind;
  let reason: string;
  let required: number | null = null;
  let exempt: string | null = ctx.exemptGrades.has(enterprise.grade) ? 'exempt-grade' : null;
  if (exempt === null && enterprise.flags) {
    for (const f of enterprise.flags) if (ctx.exemptFlags.has(f)) exempt = 'exempt-flag';
  }
  if (exempt !== null) {
    verdict = 'exempt';
    reason = exempt;
  } else {
    const own = enterprise.measurePercent?.[level];
    const grade = enterprise.grade === 'A' ? 'unrated' : enterprise.grade;
    required =
      own !== undefined
        ? Math.min(1, Math.max(0, own / 100))
        : Math.min(1, ctx.levelReduction[level] * ctx.settings.gradeMultipliers[grade]);
    if (base === null) {
      verdict = 'insufficient-data';
      reason = 'no-baseline';
    } else if (base <= 0) {
      verdict = 'insufficient-data';
      reason = 'zero-baseline';
    } else if (cut === null) {
      verdict = 'insufficient-data';
      reason = 'no-reading';
    } else if (cut * 100 >= required * 100 - ctx.settings.tolerancePercent - 1e-9) {
      verdict = 'compliant';
      reason = 'cut-met';
    } else {
      verdict = 'non-compliant';
      reason = 'cut-below-required';
    }
  }
  return {
    enterpriseId: enterprise.id,
    key: enterprise.key,
    grade: enterprise.grade,
    date,
    level,
    verdict,
    baseline: base,
    consumption,
    cut,
    required,
    daysUsed: baseline.daysUsed,
    reason,
  };
}

/** Verdict for one enterprise on one day (computes the baseline). */
export function assessEnterprise(
  ctx: ElectricityContext,
  enterprise: Enterprise,
  readings: ReadonlyArray<MeterReading>,
  date: string,
  level: WarningLevel,
): ElectricityVerdict {
  return assessWithBaseline(
    ctx,
    enterprise,
    computeBaseline(ctx, readings),
    consumptionOn(readings, date),
    date,
    level,
  );
}

export interface EnterpriseMeter {
  enterprise: Enterprise;
  readings: ReadonlyArray<MeterReading>;
}

export interface ElectricityCounts {
  total: number;
  compliant: number;
  nonCompliant: number;
  insufficientData: number;
  exempt: number;
}

export interface ElectricityDayAssessment {
  date: string;
  level: WarningLevel;
  counts: ElectricityCounts;
  nonCompliantIds: string[];
  /** Non-compliant key enterprises (under on-site supervision): first for enforcement follow-up. */
  keyNonCompliantIds: string[];
  verdicts: ElectricityVerdict[];
}

/**
 * Assesses every enterprise on each response day. Baselines are computed once per enterprise.
 * Designed for 10 000 enterprises × 30 days.
 */
export function assessElectricity(
  plan: ResponsePlan,
  meters: ReadonlyArray<EnterpriseMeter>,
  options: {
    episodeStart: string;
    days: ReadonlyArray<{ date: string; level: WarningLevel }>;
    excludedDates?: string[];
  },
): ElectricityDayAssessment[] {
  const ctx = electricityContext(plan, options.episodeStart, options.excludedDates);
  const baselines = new Array<BaselineResult>(meters.length);
  for (let i = 0; i < meters.length; i++)
    baselines[i] = computeBaseline(ctx, (meters[i] as EnterpriseMeter).readings);

  const out: ElectricityDayAssessment[] = [];
  for (const { date, level } of options.days) {
    const verdicts = new Array<ElectricityVerdict>(meters.length);
    const counts: ElectricityCounts = {
      total: meters.length,
      compliant: 0,
      nonCompliant: 0,
      insufficientData: 0,
      exempt: 0,
    };
    const nonCompliantIds: string[] = [];
    const keyNonCompliantIds: string[] = [];
    for (let i = 0; i < meters.length; i++) {
      const m = meters[i] as EnterpriseMeter;
      const v = assessWithBaseline(
        ctx,
        m.enterprise,
        baselines[i] as BaselineResult,
        consumptionOn(m.readings, date),
        date,
        level,
      );
      verdicts[i] = v;
      switch (v.verdict) {
        case 'compliant':
          counts.compliant++;
          break;
        case 'non-compliant':
          counts.nonCompliant++;
          nonCompliantIds.push(v.enterpriseId);
          if (v.key) keyNonCompliantIds.push(v.enterpriseId);
          break;
        case 'insufficient-data':
          counts.insufficientData++;
          break;
        case 'exempt':
          counts.exempt++;
          break;
      }
    }
    out.push({ date, level, counts, nonCompliantIds, keyNonCompliantIds, verdicts });
  }
  return out;
}

/**
 * The counties whose enterprises an episode under `plan` accounts for (二.5): a county's plan its own
 * county only (二.2), the city's plan every county (null).
 */
export function accountedCounties(plan: ResponsePlan): string[] | null {
  const own = plan.jurisdictions.find((j) => j.id === plan.jurisdiction);
  return own?.kind === 'county' ? [own.id] : null;
}
