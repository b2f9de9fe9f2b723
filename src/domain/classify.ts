/**
 * Warning classification per the plan's rules (DOMAIN.md §2), with reasons; the early-response
 * condition; the lift rule; and the start/raise/lower/lift advice for a running episode.
 * Thresholds come from plan data only.
 */
import { dayNumber, isIsoDate, nextDate } from './calendar.js';
import { DomainError, ErrorCode } from './errors.js';
import { cstDateWords } from './time-words.js';
import {
  LEVEL_RANK,
  type LevelOrNone,
  type ResponseGrade,
  type ResponsePlan,
  type WarningCondition,
  type WarningLevel,
  type WarningLevelRule,
} from './plan-types.js';

export interface ForecastDay {
  /** CST calendar day 'YYYY-MM-DD'. */
  date: string;
  /** Daily AQI. */
  aqi: number;
  /** Optional primary pollutants of the day (e.g. ['O3']); used by early-response conditions. */
  primaryPollutants?: string[];
}

export interface RuleReason {
  /** The level the rule belongs to ('none' for lift / early-response reasons). */
  level: LevelOrNone;
  ruleId: string;
  /** Human-readable rule, Chinese, with the rule id: '黄色预警：日AQI>150持续48小时及以上（yellow.2）'. */
  rule: string;
  /** The days that satisfy the rule. */
  days: string[];
}

export interface Classification {
  level: LevelOrNone;
  response: ResponseGrade | null;
  reasons: RuleReason[];
}

/**
 * Checks that forecast days are valid, sorted and consecutive. Throws INVALID_FORECAST naming the
 * first offending day (gap, duplicate, disorder, bad date or bad AQI).
 */
export function assertConsecutiveForecast(days: ReadonlyArray<ForecastDay>): void {
  let previous: number | null = null;
  for (let i = 0; i < days.length; i++) {
    const day = days[i] as ForecastDay;
    if (!isIsoDate(day.date)) {
      throw new DomainError(
        ErrorCode.INVALID_FORECAST,
        `days[${i}].date "${day.date}" is not a date (YYYY-MM-DD)`,
      );
    }
    if (typeof day.aqi !== 'number' || !Number.isFinite(day.aqi) || day.aqi < 0) {
      throw new DomainError(ErrorCode.INVALID_FORECAST, `days[${i}].aqi must be a finite number ≥ 0`);
    }
    const n = dayNumber(day.date);
    if (previous !== null) {
      const step = n - previous;
      if (step === 0)
        throw new DomainError(ErrorCode.INVALID_FORECAST, `duplicate forecast day ${day.date} at days[${i}]`);
      if (step < 0)
        throw new DomainError(
          ErrorCode.INVALID_FORECAST,
          `forecast days not sorted: ${day.date} at days[${i}]`,
        );
      if (step > 1) {
        throw new DomainError(
          ErrorCode.INVALID_FORECAST,
          `gap in forecast: ${step - 1} day(s) missing before ${day.date} at days[${i}]`,
        );
      }
    }
    previous = n;
  }
}

/** Maximal runs [start, end] (inclusive indexes) of days with AQI > threshold. */
function runsAbove(
  days: ReadonlyArray<ForecastDay>,
  threshold: number,
  from = 0,
  to = days.length - 1,
): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let i = from; i <= to; i++) {
    const above = (days[i] as ForecastDay).aqi > threshold;
    if (above && start < 0) start = i;
    if (!above && start >= 0) {
      runs.push([start, i - 1]);
      start = -1;
    }
  }
  if (start >= 0) runs.push([start, to]);
  return runs;
}

/**
 * Evaluates one condition. The first clause is the anchor: a maximal run of consecutive days above
 * its threshold, at least its length. Every further clause must hold inside that same run. Returns
 * the days of the first qualifying anchor run, or null.
 */
function matchCondition(days: ReadonlyArray<ForecastDay>, condition: WarningCondition): string[] | null {
  const [anchor, ...rest] = condition.clauses;
  if (!anchor) return null;
  for (const [s, e] of runsAbove(days, anchor.aqiAbove)) {
    if (e - s + 1 < anchor.minConsecutiveDays) continue;
    const inside = rest.every((clause) =>
      runsAbove(days, clause.aqiAbove, s, e).some(([a, b]) => b - a + 1 >= clause.minConsecutiveDays),
    );
    if (inside) {
      const out: string[] = [];
      for (let i = s; i <= e; i++) out.push((days[i] as ForecastDay).date);
      return out;
    }
  }
  return null;
}

function describe(rule: WarningLevelRule, condition: WarningCondition): string {
  return `${rule.name}：${condition.description}（${condition.id}）`;
}

/** The level rule for a level; throws NOT_FOUND if the plan lacks it. */
export function levelRule(plan: ResponsePlan, level: WarningLevel): WarningLevelRule {
  const rule = plan.warning.levels.find((r) => r.level === level);
  if (!rule) throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no rule for level ${level}`);
  return rule;
}

/** Response grade of a level (yellow → III, orange → II, red → I under the default plan). */
export function responseFor(plan: ResponsePlan, level: LevelOrNone): ResponseGrade | null {
  return level === 'none' ? null : levelRule(plan, level).response;
}

/** Minimum emission reduction (percent) required at a level; 0 for 'none'. */
export function reductionPercentFor(plan: ResponsePlan, level: LevelOrNone): number {
  return level === 'none' ? 0 : levelRule(plan, level).reductionPercent;
}

/**
 * Classifies a forecast. Days must be consecutive calendar days (sorted, no gap, no duplicate),
 * else INVALID_FORECAST. The result is the highest level any of whose conditions holds; the reasons
 * list every condition of that level that holds, with its days.
 */
export function classifyForecast(plan: ResponsePlan, days: ReadonlyArray<ForecastDay>): Classification {
  assertConsecutiveForecast(days);
  for (let i = plan.warning.levels.length - 1; i >= 0; i--) {
    const rule = plan.warning.levels[i] as WarningLevelRule;
    const reasons: RuleReason[] = [];
    for (const condition of rule.conditions) {
      const matched = matchCondition(days, condition);
      if (matched)
        reasons.push({
          level: rule.level,
          ruleId: condition.id,
          rule: describe(rule, condition),
          days: matched,
        });
    }
    if (reasons.length > 0) return { level: rule.level, response: rule.response, reasons };
  }
  return { level: 'none', response: null, reasons: [] };
}

export interface EarlyResponseAssessment {
  early: boolean;
  reasons: RuleReason[];
}

/**
 * The early-response condition (提前应对): a pollution process — ozone included — that does not
 * reach any warning level. False whenever the forecast classifies as a warning.
 */
export function earlyResponse(plan: ResponsePlan, days: ReadonlyArray<ForecastDay>): EarlyResponseAssessment {
  const classification = classifyForecast(plan, days);
  if (classification.level !== 'none') return { early: false, reasons: [] };
  const reasons: RuleReason[] = [];
  for (const condition of plan.earlyResponse.conditions) {
    const filter = condition.primaryPollutants;
    const qualifying = days.map(
      (d) =>
        d.aqi > condition.aqiAbove &&
        (!filter || (d.primaryPollutants ?? []).some((p) => filter.includes(p))),
    );
    let runStart = -1;
    let matched: string[] | null = null;
    for (let i = 0; i <= qualifying.length && !matched; i++) {
      if (i < qualifying.length && qualifying[i]) {
        if (runStart < 0) runStart = i;
        continue;
      }
      if (runStart >= 0 && i - runStart >= condition.minConsecutiveDays) {
        matched = days.slice(runStart, i).map((d) => d.date);
      }
      runStart = -1;
    }
    if (matched) {
      const ozone = matched.some((date) =>
        days.find((d) => d.date === date)?.primaryPollutants?.includes('O3'),
      );
      reasons.push({
        level: 'none',
        ruleId: condition.id,
        rule: `提前应对：${condition.description}${ozone ? '（首要污染物含臭氧）' : ''}（${condition.id}）`,
        days: matched,
      });
    }
  }
  return { early: reasons.length > 0, reasons };
}

export interface LiftAssessment {
  propose: boolean;
  reasons: RuleReason[];
  /** Forecast days that must stay below the lowest warning condition (ceil(minHoursBelow / 24)). */
  requiredDays: number;
}

/**
 * The lift rule: with a warning active, propose a lift when the forecast from now on stays below
 * the lowest warning condition for at least `plan.lift.minHoursBelow` hours, i.e. the first
 * ceil(hours / 24) forecast days classify as 'none'. A forecast shorter than that never lifts.
 * `days[0]` is the first day still to come (today, when consulted during the day).
 */
export function liftProposal(
  plan: ResponsePlan,
  days: ReadonlyArray<ForecastDay>,
  currentLevel: LevelOrNone,
): LiftAssessment {
  assertConsecutiveForecast(days);
  const requiredDays = Math.ceil(plan.lift.minHoursBelow / 24);
  if (currentLevel === 'none') return { propose: false, reasons: [], requiredDays };
  if (days.length < requiredDays) return { propose: false, reasons: [], requiredDays };
  const window = days.slice(0, requiredDays);
  const inWindow = classifyForecast(plan, window);
  if (inWindow.level !== 'none') return { propose: false, reasons: [], requiredDays };
  const current = levelRule(plan, currentLevel);
  return {
    propose: true,
    requiredDays,
    reasons: [
      {
        level: 'none',
        ruleId: 'lift',
        rule: `解除${current.name}：${plan.lift.description}（lift，${plan.lift.minHoursBelow}小时）`,
        days: window.map((d) => d.date),
      },
    ],
  };
}

export type TransitionAction = 'start' | 'raise' | 'lower' | 'lift' | 'none';

export interface TransitionAdvice {
  action: TransitionAction;
  /** The level to propose (the classified level; 'none' for a lift). */
  level: LevelOrNone;
  classification: Classification;
  reasons: RuleReason[];
  /** True when no warning is active nor advised but the early-response condition holds. */
  earlyResponse: boolean;
}

/**
 * What to propose to the commander for the current level and a new forecast:
 * none → X: start; X → higher: raise; X → lower (not none): lower;
 * X → none: lift when the lift rule holds, else nothing (keep the warning); same level: nothing.
 */
export function adviseTransition(
  plan: ResponsePlan,
  currentLevel: LevelOrNone,
  days: ReadonlyArray<ForecastDay>,
): TransitionAdvice {
  const classification = classifyForecast(plan, days);
  const next = classification.level;
  const base = { classification, earlyResponse: false };
  if (currentLevel === 'none') {
    if (next !== 'none') return { ...base, action: 'start', level: next, reasons: classification.reasons };
    const early = earlyResponse(plan, days);
    return { ...base, action: 'none', level: 'none', reasons: early.reasons, earlyResponse: early.early };
  }
  if (next === currentLevel) return { ...base, action: 'none', level: next, reasons: classification.reasons };
  if (LEVEL_RANK[next] > LEVEL_RANK[currentLevel]) {
    return { ...base, action: 'raise', level: next, reasons: classification.reasons };
  }
  if (next !== 'none') return { ...base, action: 'lower', level: next, reasons: classification.reasons };
  const lift = liftProposal(plan, days, currentLevel);
  return lift.propose
    ? { ...base, action: 'lift', level: 'none', reasons: lift.reasons }
    : { ...base, action: 'none', level: currentLevel, reasons: [] };
}

/**
 * The days of the process joined to the new forecast (DOMAIN §3b): the elapsed days before the
 * forecast's first day (observed AQI where known, else their forecast at the time), consecutive up to
 * the day before it, then the forecast. Elapsed days that leave a gap before the forecast are dropped.
 */
export function processSeries(
  elapsed: ReadonlyArray<ForecastDay>,
  forecast: ReadonlyArray<ForecastDay>,
): ForecastDay[] {
  const first = forecast[0]?.date;
  if (!first) return [...forecast];
  const before = [...elapsed].filter((d) => d.date < first).sort((a, b) => a.date.localeCompare(b.date));
  const run: ForecastDay[] = [];
  for (let i = before.length - 1, expected = nextDate(first, -1); i >= 0; i--) {
    if (before[i]!.date !== expected) break;
    run.unshift(before[i]!);
    expected = nextDate(expected, -1);
  }
  return [...run, ...forecast];
}

/**
 * A level change judges the whole process (DOMAIN §3b, #12.5): with a warning in force, the lift is
 * judged on the new forecast (it must stay below the lowest condition ahead), and a raise or a lower
 * on the elapsed days plus the new forecast — so the days already lived keep the level they earned,
 * and a reason that leans on them says so. Without a warning, the forecast alone decides.
 */
export function adviseProcess(
  plan: ResponsePlan,
  currentLevel: LevelOrNone,
  elapsed: ReadonlyArray<ForecastDay>,
  forecast: ReadonlyArray<ForecastDay>,
): TransitionAdvice {
  const ahead = adviseTransition(plan, currentLevel, forecast);
  if (currentLevel === 'none' || ahead.action === 'lift') return ahead;
  const whole = processSeries(elapsed, forecast);
  if (whole.length === forecast.length) return ahead;
  const advice = adviseTransition(plan, currentLevel, whole);
  if (advice.action === 'lift') return { ...advice, action: 'none', level: currentLevel, reasons: [] };
  const first = forecast[0]!.date;
  const lived = whole.filter((d) => d.date < first).map((d) => d.date);
  const reasons = advice.reasons.map((r) =>
    r.days.some((d) => d < first)
      ? {
          ...r,
          rule: `${r.rule}（按全过程研判，含已过去的${lived.length}天：${lived.map(cstDateWords).join('、')}）`,
        }
      : r,
  );
  return { ...advice, reasons };
}

/**
 * The primary pollutants of a process: those named on its polluted days (AQI > 100) of the forecast,
 * in the order first seen; empty when the forecast names none.
 */
export function processPollutants(days: ReadonlyArray<ForecastDay>): string[] {
  const seen: string[] = [];
  for (const d of days) {
    if (d.aqi <= 100) continue;
    for (const p of d.primaryPollutants ?? []) if (!seen.includes(p)) seen.push(p);
  }
  return seen;
}
