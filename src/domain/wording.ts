/**
 * The Chinese wording the episode composes from plan data — names of levels, units and areas, what a
 * proposal asks for, the label of a report item, the forecast sentence — in one place, so that every
 * message and document says a thing the same way.
 */
import type { LevelOrNone, ResponsePlan } from './plan-types.js';
import { aqiCategory, aqiEditionForDate } from './aqi.js';
import type { ForecastDay } from './classify.js';
import type { ReportSlot } from './events.js';
import { cstDateWords } from './time-words.js';

export function levelName(plan: ResponsePlan, level: LevelOrNone): string {
  return level === 'none' ? '无预警' : (plan.warning.levels.find((l) => l.level === level)?.name ?? level);
}

/** Ⅲ级应急响应 … for a level ('' for none). */
export function responseName(plan: ResponsePlan, level: LevelOrNone): string {
  return plan.warning.levels.find((l) => l.level === level)?.responseName ?? '';
}

export function unitName(plan: ResponsePlan, unitId: string): string {
  return plan.units.find((u) => u.id === unitId)?.name ?? unitId;
}

export function unitNames(plan: ResponsePlan, unitIds: readonly string[], none = ''): string {
  return unitIds.map((u) => unitName(plan, u)).join('、') || none;
}

export function jurisdictionName(plan: ResponsePlan, jurisdiction: string): string {
  return plan.jurisdictions.find((j) => j.id === jurisdiction)?.name ?? jurisdiction;
}

/** Pollutant codes as the public reads them (HJ 633 names). */
const POLLUTANT_WORDS: Readonly<Record<string, string>> = {
  'PM2.5': 'PM2.5',
  PM10: 'PM10',
  O3: '臭氧',
  O3_8h: '臭氧',
  NO2: '二氧化氮',
  SO2: '二氧化硫',
  CO: '一氧化碳',
};

/**
 * The forecast as a sentence: '12月2日AQI约235（重度污染，首要污染物PM2.5），12月3日AQI约260（重度污染）'.
 * The category follows the HJ 633 edition in force on each day.
 */
export function forecastSummary(days: readonly ForecastDay[]): string {
  return days
    .map((d) => {
      const category = aqiCategory(d.aqi, aqiEditionForDate(d.date)).name;
      const primary = [...new Set((d.primaryPollutants ?? []).map((p) => POLLUTANT_WORDS[p] ?? p))];
      const pollutant = primary.length > 0 && d.aqi > 50 ? `，首要污染物${primary.join('、')}` : '';
      return `${cstDateWords(d.date)}AQI约${d.aqi}（${category}${pollutant}）`;
    })
    .join('，');
}

/** What a proposal to the commander asks for: 启动黄色预警 / 调整为橙色预警 / 解除橙色预警. */
export function proposalAction(
  plan: ResponsePlan,
  kind: 'start' | 'change' | 'lift',
  level: LevelOrNone,
  currentLevel: LevelOrNone,
): string {
  if (kind === 'lift') return `解除${levelName(plan, currentLevel)}`;
  return kind === 'start' ? `启动${levelName(plan, level)}` : `调整为${levelName(plan, level)}`;
}

/** What a proposal still waiting for the commander asks for, in the reminders about it. */
export function pendingProposalAction(plan: ResponsePlan, kind: string, level: LevelOrNone): string {
  if (kind === 'lift') return '解除预警';
  return kind === 'start' ? `启动${levelName(plan, level)}` : `调整为${levelName(plan, level)}`;
}

/** The report an escalation chases: a response day's report or the episode summary. */
export function reportItemLabel(slot: ReportSlot): string {
  return slot === 'summary' ? '污染过程应对工作总结' : `第${slot}天工作日报`;
}

/** The daily response report's overview line: who of the obliged units reported on day k. */
export function dayReportOverview(
  plan: ResponsePlan,
  k: number,
  date: string,
  expected: number,
  received: number,
  lateUnitIds: readonly string[],
): string {
  return `第${k}天（${cstDateWords(date)}）应报送单位${expected}个，已报送${received}个；迟报或未报：${unitNames(plan, lateUnitIds, '无')}。`;
}

/** The work summary's overview lines: how long the process was, its warnings, the summaries in. */
export function workSummaryOverview(
  plan: ResponsePlan,
  responseDays: number,
  warningCount: number,
  obligedCount: number,
  missingUnitIds: readonly string[],
): string[] {
  const warnings = warningCount > 0 ? `预警${warningCount}次发布或调整` : '未发布预警（提前应对）';
  const missing = missingUnitIds.length > 0 ? `，未报送：${unitNames(plan, missingUnitIds)}` : '';
  return [
    `本次过程共${responseDays}个应对日，${warnings}。`,
    `各单位工作总结已报送${obligedCount - missingUnitIds.length}个${missing}。`,
  ];
}
