/**
 * What observed air quality means for a running episode (#14.3): the observed days replace the
 * forecast of the days already lived, a lift is proposed when the air observed is below the lowest
 * warning condition and the forecast from today satisfies the plan's lift rule, and a day observed
 * worse than forecast prompts the office to consult again. Pure: plan, state, time → decision.
 */
import { aqiCategory, aqiEditionForDate } from './aqi.js';
import {
  type ForecastDay,
  type RuleReason,
  classifyForecast,
  levelRule,
  liftProposal,
  processSeries,
} from './classify.js';
import { LEVEL_RANK, type LevelOrNone, type ResponsePlan, type WarningLevel } from './plan-types.js';
import { cstDateTimeWords, cstDateWords } from './time-words.js';

/** A jurisdiction's observed daily AQI (HJ 633/663), as the feed hands it to the episode. */
export interface ObservedDay {
  /** CST date 'YYYY-MM-DD'. */
  date: string;
  /** null when no item was valid (never zero). */
  aqi: number | null;
  primaryPollutants: string[];
  /** Every item valid and the day over. Only complete days stand for a day of the process. */
  complete: boolean;
}

/** The rolling 24-h AQI of the jurisdiction at the end of the last hour received. */
export interface LatestObservation {
  /** ISO instant, CST offset: the end of the last hour. */
  hourEnd: string;
  aqi: number | null;
}

/** The AQI at or below which air counts as below every warning condition: the lowest anchor threshold. */
export function warningFloorAqi(plan: ResponsePlan): number {
  const lowest = plan.warning.levels.reduce((a, b) => (LEVEL_RANK[a.level] <= LEVEL_RANK[b.level] ? a : b));
  return Math.min(...levelRule(plan, lowest.level).conditions.map((c) => c.clauses[0]?.aqiAbove ?? Infinity));
}

/** A complete observed day as a day of the process (its observed AQI and primary pollutants). */
const asDay = (o: ObservedDay): ForecastDay => ({
  date: o.date,
  aqi: o.aqi as number,
  primaryPollutants: o.primaryPollutants,
});

const usable = (o: ObservedDay | undefined): o is ObservedDay => !!o && o.complete && o.aqi !== null;

/**
 * The process's days lived before `before` (from `firstDay`): each with its observed AQI when a
 * complete observation is known, else its AQI as last forecast before it passed.
 */
export function livedDays(
  forecastAt: Readonly<Record<string, ForecastDay>>,
  observed: Readonly<Record<string, ObservedDay>>,
  firstDay: string | null | undefined,
  before: string,
): ForecastDay[] {
  if (!firstDay) return [];
  const dates = new Set(
    [...Object.keys(forecastAt), ...Object.keys(observed)].filter((d) => d >= firstDay && d < before),
  );
  return [...dates].sort().flatMap((date) => {
    const o = observed[date];
    if (usable(o)) return [asDay(o)];
    const f = forecastAt[date];
    return f ? [f] : [];
  });
}

export interface ObservedLiftInput {
  level: LevelOrNone;
  /** The latest observation (rolling 24-h AQI), if any. */
  latest: LatestObservation | null;
  /** The last complete observed day, used when no rolling value is known. */
  lastDay: ObservedDay | null;
  /** The last consultation's forecast. */
  forecast: readonly ForecastDay[];
  /** Today's CST date: the forecast's days before it have passed. */
  today: string;
}

export type ObservedLift =
  | { propose: false }
  | {
      propose: true;
      /** The plan's lift reasons, each prefixed with what was observed. */
      reasons: RuleReason[];
      /** What was observed, in Chinese. */
      observedText: string;
      /** The plan's lift rule as the reasons state it, without the observation. */
      liftRule: string;
    };

/**
 * The lift rule on observation: with a warning in force, the air observed now (the rolling 24-h AQI,
 * else the last complete day) is at or below the lowest warning condition, and the last forecast from
 * today on stays below it for the plan's lift hours (`liftProposal`). Never lifts by itself: the
 * caller proposes it to the commander.
 */
export function observedLift(plan: ResponsePlan, input: ObservedLiftInput): ObservedLift {
  if (input.level === 'none') return { propose: false };
  const floor = warningFloorAqi(plan);
  const now =
    input.latest && input.latest.aqi !== null
      ? {
          aqi: input.latest.aqi,
          text: `${cstDateTimeWords(Date.parse(input.latest.hourEnd))}前24小时滑动平均AQI为${input.latest.aqi}`,
        }
      : usable(input.lastDay ?? undefined)
        ? {
            aqi: input.lastDay!.aqi as number,
            text: `${cstDateWords(input.lastDay!.date)}实况日AQI为${input.lastDay!.aqi}`,
          }
        : null;
  if (!now || now.aqi > floor) return { propose: false };
  const ahead = input.forecast.filter((d) => d.date >= input.today);
  const lift = liftProposal(plan, ahead, input.level);
  if (!lift.propose) return { propose: false };
  const observedText = `${now.text}，已低于${levelRule(plan, lowestLevel(plan)).name}启动条件（AQI>${floor}）`;
  return {
    propose: true,
    observedText,
    liftRule: lift.reasons.map((r) => r.rule).join('；'),
    reasons: lift.reasons.map((r) => ({ ...r, rule: `${observedText}；${r.rule}` })),
  };
}

function lowestLevel(plan: ResponsePlan) {
  return plan.warning.levels.reduce((a, b) => (LEVEL_RANK[a.level] <= LEVEL_RANK[b.level] ? a : b)).level;
}

export interface WorseDay {
  date: string;
  observed: number;
  forecast: number;
  /** The level the process reaches with its observed days, when higher than the level in force. */
  reaches: WarningLevel | null;
  /** Why, in Chinese, for the office. */
  text: string;
}

/**
 * A complete observed day worse than forecast: its AQI category (HJ 633) higher than that of the
 * AQI forecast for it, or the process with its observed days reaching a level above the one in force.
 * Days already prompted (`prompted`) are not prompted again.
 */
export function worseThanForecast(
  plan: ResponsePlan,
  input: {
    level: LevelOrNone;
    days: readonly ObservedDay[];
    forecastAt: Readonly<Record<string, ForecastDay>>;
    observed: Readonly<Record<string, ObservedDay>>;
    firstDay: string | null | undefined;
    forecast: readonly ForecastDay[];
    prompted: readonly string[];
  },
): WorseDay[] {
  const out: WorseDay[] = [];
  for (const o of input.days) {
    if (!usable(o) || input.prompted.includes(o.date)) continue;
    const f = input.forecastAt[o.date];
    if (!f) continue;
    const edition = aqiEditionForDate(o.date);
    const seen = aqiCategory(o.aqi as number, edition);
    const said = aqiCategory(f.aqi, edition);
    const after = input.forecast.filter((d) => d.date > o.date);
    const lived = livedDays(input.forecastAt, input.observed, input.firstDay ?? o.date, o.date);
    const whole = processSeries([...lived, asDay(o)], after);
    const reached = classifyForecast(plan, whole).level;
    const reaches = reached !== 'none' && LEVEL_RANK[reached] > LEVEL_RANK[input.level] ? reached : null;
    if (seen.level <= said.level && !reaches) continue;
    const base = `${cstDateWords(o.date)}实况日AQI为${o.aqi}（${seen.name}），会商预报为${f.aqi}（${said.name}）`;
    const tail = reaches
      ? `，按实况与预报研判已达到${levelRule(plan, reaches).name}启动条件`
      : '，实况较预报偏重';
    out.push({ date: o.date, observed: o.aqi as number, forecast: f.aqi, reaches, text: base + tail });
  }
  return out;
}

/** One day of the process as a consultation shows it: the AQI forecast for it beside the AQI observed. */
export interface ProcessDayRow {
  date: string;
  /** As last forecast before the day passed (or as forecast now, for days ahead). */
  forecast: number | null;
  /** Observed daily AQI; null when not known or not valid. */
  observed: number | null;
  /** The observed value is a complete day (every item valid, the day over). */
  observedComplete: boolean;
}

/** The process day by day: forecast beside observed, from its first known day to the last forecast. */
export function processTable(
  forecastAt: Readonly<Record<string, ForecastDay>>,
  observed: Readonly<Record<string, ObservedDay>>,
): ProcessDayRow[] {
  const dates = [...new Set([...Object.keys(forecastAt), ...Object.keys(observed)])].sort();
  return dates.map((date) => ({
    date,
    forecast: forecastAt[date]?.aqi ?? null,
    observed: observed[date]?.aqi ?? null,
    observedComplete: observed[date]?.complete ?? false,
  }));
}
