/**
 * The effect of the response to one episode (五(一)4 应对成效分析评估, 五(三)2 应对成效总结评估): pure
 * function of the plan, the episode's facts, the forecasts its consultations made, the observed daily
 * AQI of its jurisdiction, the electricity verdicts, the duties and the enforcement follow-ups → an
 * assessment with a plain statement of what the figures support. No I/O, no clock.
 *
 * Rules (product choices, stated so a reader can check them):
 * - The days of the process: from its first response day (warning or early response) to the CST date of
 *   its lift (or close); an episode without either is assessed up to `asOf` and marked unfinished.
 * - The level of a day: the highest level in force at any moment of that CST day ('early' for an early
 *   response, 'none' otherwise).
 * - The forecast of a day: the one the office had when the day came — the latest consultation recorded
 *   on or before that date that forecast it; else (a day forecast only later) the earliest that did.
 * - Forecast error of a day = forecast − observed (positive: the forecast was higher than what was
 *   observed); the mean absolute error and the mean error over the days that have both.
 * - Days over a threshold: the plan's warning thresholds (every `aqiAbove` of its conditions), AQI
 *   strictly above it, counted for the forecast and for the observed values alike.
 * - The verified cut: the electricity verdicts of the assessed days. The mean cut of a group is the mean
 *   over its enterprise-days with data and a requirement (compliant or not); the mean requirement over
 *   the same enterprise-days; exempt enterprise-days are counted apart. An enterprise "has no data" when
 *   none of its non-exempt assessed days had a usable baseline and reading.
 * - The statement never claims that the measures caused a change in AQI: electricity is an indirect
 *   proof that production (and so emissions) was cut, and the forecast error mixes weather and
 *   emissions; the statement says so.
 */
import { type IsoDate, cstDate, nextDate, parseIso } from './calendar.js';
import type { ForecastDay } from './classify.js';
import type { DutyRecord, WarningRecord } from './episode-state.js';
import { LEVEL_RANK, type PerformanceGrade, type ResponsePlan, type WarningLevel } from './plan-types.js';
import { cstDateWords } from './time-words.js';

export type DayLevel = 'none' | 'early' | WarningLevel;

export interface AssessmentEpisode {
  episodeId: string;
  jurisdiction: string;
  /** CST date of response day 1 (of the warning, or of the early response). */
  firstDay: string | null;
  earlyResponseFrom?: string | null;
  earlyResponseTo?: string | null;
  warnings: ReadonlyArray<Pick<WarningRecord, 'kind' | 'level' | 'at'>>;
  liftedAt: string | null;
  closedAt: string | null;
}

export interface ConsultationForecast {
  /** When the consultation was recorded (ISO with offset). */
  at: string;
  days: readonly ForecastDay[];
}

export interface ObservedDay {
  date: string;
  aqi: number | null;
  /** All seven items valid. */
  complete: boolean;
  /** Why the AQI is null, or which items are missing. */
  reason?: string | null;
}

/** The verdicts of one enterprise at one level, summed over the assessed days (the adapter's SQL). */
export interface EnterpriseLevelCut {
  enterpriseId: string;
  county: string;
  grade: PerformanceGrade;
  industry: string;
  level: WarningLevel;
  days: number;
  compliantDays: number;
  nonCompliantDays: number;
  noDataDays: number;
  exemptDays: number;
  /** Sums of the cut and of the requirement over the compliant and non-compliant days (fractions). */
  cutSum: number;
  requiredSum: number;
}

export interface FollowupEvent {
  enterpriseId: string;
  action: 'inspection' | 'monitoring' | 'penalty' | 'closed';
  at: string;
}

export interface ExpertOpinion {
  text: string;
  by: string;
  at: string;
  document: { fileName: string; contentType: string; size: number } | null;
  /** The expert committee's members who gave it (五(一)4). */
  members: Array<{ id: string; name: string; organisation: string; specialty: string }>;
}

export interface AssessmentInput {
  plan: ResponsePlan;
  episode: AssessmentEpisode;
  consultations: readonly ConsultationForecast[];
  observed: readonly ObservedDay[];
  electricity: readonly EnterpriseLevelCut[];
  /** The episode's duties (status as folded: pending, submitted, late, overdue). */
  duties: ReadonlyArray<{ dueAt: string | null; status: DutyRecord['status'] | string }>;
  followups: readonly FollowupEvent[];
  opinion?: ExpertOpinion | null;
  /** For an unfinished episode: the end of the assessed days (ISO). */
  asOf: string;
}

export interface AssessedDay {
  date: string;
  level: DayLevel;
  forecast: number | null;
  observed: number | null;
  observedComplete: boolean;
  observedReason: string | null;
  /** forecast − observed */
  error: number | null;
}

export interface SeriesFigures {
  /** Days with a value. */
  days: number;
  peak: number | null;
  peakDate: string | null;
  mean: number | null;
  /** Per plan threshold (ascending): days strictly above it. */
  daysOver: Array<{ threshold: number; days: number }>;
}

export interface CutFigures {
  enterprises: number;
  withData: number;
  noData: number;
  exempt: number;
  enterpriseDays: number;
  compliantDays: number;
  nonCompliantDays: number;
  noDataDays: number;
  exemptDays: number;
  /** Mean achieved cut and mean requirement over the enterprise-days with data (fractions), or null. */
  meanCut: number | null;
  meanRequired: number | null;
  /** compliant / (compliant + non-compliant) enterprise-days, or null. */
  complianceRate: number | null;
}

export interface CutGroup extends CutFigures {
  key: string;
  label: string;
}

export interface EpisodeAssessment {
  episodeId: string;
  jurisdiction: { id: string; name: string };
  finished: boolean;
  from: string | null;
  to: string | null;
  thresholds: number[];
  days: AssessedDay[];
  forecast: SeriesFigures;
  observed: SeriesFigures;
  /** Days with both a forecast and an observed value. */
  comparedDays: number;
  meanAbsoluteError: number | null;
  /** Mean of forecast − observed (positive: forecasts were higher). */
  meanError: number | null;
  emission: {
    overall: CutFigures;
    byLevel: Array<CutGroup & { planPercent: number }>;
    byCounty: CutGroup[];
    byGrade: CutGroup[];
    byIndustry: CutGroup[];
  };
  duties: { total: number; onTime: number; late: number; overdue: number; pending: number };
  followups: { enterprises: number; opened: number; closed: number; open: number };
  statement: string[];
  opinion: ExpertOpinion | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (f: number) => `${(f * 100).toFixed(1)}%`;

/** The plan's AQI thresholds (every clause of every warning condition), ascending, distinct. */
export function planThresholds(plan: ResponsePlan): number[] {
  const all = plan.warning.levels.flatMap((l) =>
    l.conditions.flatMap((c) => c.clauses.map((x) => x.aqiAbove)),
  );
  return [...new Set(all)].sort((a, b) => a - b);
}

/** The forecast the office had for `date` (see header), or null. */
export function forecastAsMade(consultations: readonly ConsultationForecast[], date: string): number | null {
  let byThen: number | null = null;
  let byThenAt = '';
  let earliest: number | null = null;
  let earliestAt = '';
  for (const c of consultations) {
    const day = c.days.find((d) => d.date === date);
    if (!day) continue;
    const t = parseIso(c.at);
    const madeOn = cstDate(t);
    if (madeOn <= date && (byThen === null || t >= parseIso(byThenAt))) {
      byThen = day.aqi;
      byThenAt = c.at;
    }
    if (earliest === null || t < parseIso(earliestAt)) {
      earliest = day.aqi;
      earliestAt = c.at;
    }
  }
  return byThen ?? earliest;
}

/** The span of the process and whether it is over. */
function spanOf(
  e: AssessmentEpisode,
  asOf: string,
): { from: string | null; to: string | null; finished: boolean } {
  const starts = [e.firstDay, e.earlyResponseFrom ? cstDate(parseIso(e.earlyResponseFrom)) : null]
    .filter((d): d is string => !!d)
    .sort();
  const end = e.liftedAt ?? e.closedAt;
  const from = starts[0] ?? null;
  if (from === null) return { from: null, to: null, finished: end !== null };
  const to = cstDate(parseIso(end ?? asOf));
  const last = [from, to].sort()[1] as string; // dates compare as text
  return { from, to: last, finished: end !== null };
}

/** The highest level in force at any moment of each day of [from, to]. */
function levelsByDay(e: AssessmentEpisode, from: string, to: string): Map<string, DayLevel> {
  const out = new Map<string, DayLevel>();
  for (let d = from; d <= to; d = nextDate(d)) out.set(d, 'none');
  const rank = (l: DayLevel) => (l === 'early' ? 0.5 : LEVEL_RANK[l]);
  const raise = (d: string, l: DayLevel) => {
    const cur = out.get(d);
    if (cur !== undefined && rank(l) > rank(cur)) out.set(d, l);
  };
  if (e.earlyResponseFrom) {
    const a = cstDate(parseIso(e.earlyResponseFrom));
    const b = e.earlyResponseTo ? cstDate(parseIso(e.earlyResponseTo)) : to;
    for (let d = a; d <= b && d <= to; d = nextDate(d)) raise(d, 'early');
  }
  // each warning record holds from its time until the next record
  const ws = [...e.warnings].sort((x, y) => parseIso(x.at) - parseIso(y.at));
  ws.forEach((w, i) => {
    if (w.kind === 'lifted') return;
    const a = cstDate(parseIso(w.at));
    const next = ws[i + 1];
    const b = next ? cstDate(parseIso(next.at)) : to;
    for (let d = a < from ? from : a; d <= b && d <= to; d = nextDate(d)) raise(d, w.level);
  });
  return out;
}

function seriesFigures(
  days: readonly AssessedDay[],
  pick: (d: AssessedDay) => number | null,
  thresholds: readonly number[],
): SeriesFigures {
  const vals = days
    .map((d) => ({ date: d.date, v: pick(d) }))
    .filter((x): x is { date: string; v: number } => x.v !== null);
  let peak: { date: string; v: number } | null = null;
  for (const x of vals) if (peak === null || x.v > peak.v) peak = x;
  return {
    days: vals.length,
    peak: peak?.v ?? null,
    peakDate: peak?.date ?? null,
    mean: vals.length > 0 ? round1(vals.reduce((s, x) => s + x.v, 0) / vals.length) : null,
    daysOver: thresholds.map((t) => ({ threshold: t, days: vals.filter((x) => x.v > t).length })),
  };
}

interface CutAcc {
  enterprises: Map<string, { data: number; nonExempt: number }>;
  compliantDays: number;
  nonCompliantDays: number;
  noDataDays: number;
  exemptDays: number;
  cutSum: number;
  requiredSum: number;
}
const newAcc = (): CutAcc => ({
  enterprises: new Map(),
  compliantDays: 0,
  nonCompliantDays: 0,
  noDataDays: 0,
  exemptDays: 0,
  cutSum: 0,
  requiredSum: 0,
});
function addTo(acc: CutAcc, r: EnterpriseLevelCut): void {
  const e = acc.enterprises.get(r.enterpriseId) ?? { data: 0, nonExempt: 0 };
  e.data += r.compliantDays + r.nonCompliantDays;
  e.nonExempt += r.days - r.exemptDays;
  acc.enterprises.set(r.enterpriseId, e);
  acc.compliantDays += r.compliantDays;
  acc.nonCompliantDays += r.nonCompliantDays;
  acc.noDataDays += r.noDataDays;
  acc.exemptDays += r.exemptDays;
  acc.cutSum += r.cutSum;
  acc.requiredSum += r.requiredSum;
}
function figuresOf(acc: CutAcc): CutFigures {
  let withData = 0;
  let noData = 0;
  let exempt = 0;
  for (const e of acc.enterprises.values()) {
    if (e.data > 0) withData++;
    else if (e.nonExempt > 0) noData++;
    else exempt++;
  }
  const judged = acc.compliantDays + acc.nonCompliantDays;
  return {
    enterprises: acc.enterprises.size,
    withData,
    noData,
    exempt,
    enterpriseDays: judged + acc.noDataDays + acc.exemptDays,
    compliantDays: acc.compliantDays,
    nonCompliantDays: acc.nonCompliantDays,
    noDataDays: acc.noDataDays,
    exemptDays: acc.exemptDays,
    meanCut: judged > 0 ? acc.cutSum / judged : null,
    meanRequired: judged > 0 ? acc.requiredSum / judged : null,
    complianceRate: judged > 0 ? acc.compliantDays / judged : null,
  };
}
function grouped(
  rows: readonly EnterpriseLevelCut[],
  keyOf: (r: EnterpriseLevelCut) => string,
  labelOf: (k: string) => string,
  order?: readonly string[],
): CutGroup[] {
  const accs = new Map<string, CutAcc>();
  for (const r of rows) {
    const k = keyOf(r);
    const acc = accs.get(k) ?? newAcc();
    accs.set(k, acc);
    addTo(acc, r);
  }
  const keys = [...accs.keys()].sort((a, b) => {
    const ia = order ? order.indexOf(a) : -1;
    const ib = order ? order.indexOf(b) : -1;
    if (ia !== ib) return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib);
    return a.localeCompare(b, 'zh');
  });
  return keys.map((k) => ({ key: k, label: labelOf(k), ...figuresOf(accs.get(k) as CutAcc) }));
}

const GRADE_LABELS: Record<string, string> = {
  A: 'A级',
  B: 'B级',
  C: 'C级',
  D: 'D级',
  unrated: '未分级',
};

/** The assessment of one episode (see header). */
export function assessEpisode(input: AssessmentInput): EpisodeAssessment {
  const { plan, episode } = input;
  const jName = plan.jurisdictions.find((j) => j.id === episode.jurisdiction)?.name ?? episode.jurisdiction;
  const levelName = (l: string) =>
    l === 'early'
      ? '提前应对'
      : l === 'none'
        ? '未预警'
        : (plan.warning.levels.find((r) => r.level === l)?.name ?? l);
  const thresholds = planThresholds(plan);
  const { from, to, finished } = spanOf(episode, input.asOf);

  const days: AssessedDay[] = [];
  if (from && to) {
    const levels = levelsByDay(episode, from, to);
    const observedBy = new Map(input.observed.map((o) => [o.date, o]));
    for (let d: IsoDate = from; d <= to && days.length < 400; d = nextDate(d)) {
      const forecast = forecastAsMade(input.consultations, d);
      const o = observedBy.get(d);
      const observed = o?.aqi ?? null;
      days.push({
        date: d,
        level: levels.get(d) ?? 'none',
        forecast,
        observed,
        observedComplete: o?.complete ?? false,
        observedReason: o ? (o.reason ?? null) : '无实况数据',
        error: forecast !== null && observed !== null ? forecast - observed : null,
      });
    }
  }
  const compared = days.filter((d) => d.error !== null);
  const meanAbsoluteError =
    compared.length > 0
      ? round1(compared.reduce((s, d) => s + Math.abs(d.error as number), 0) / compared.length)
      : null;
  const meanError =
    compared.length > 0
      ? round1(compared.reduce((s, d) => s + (d.error as number), 0) / compared.length)
      : null;
  const forecast = seriesFigures(days, (d) => d.forecast, thresholds);
  const observed = seriesFigures(days, (d) => d.observed, thresholds);

  // emission cut
  const all = newAcc();
  for (const r of input.electricity) addTo(all, r);
  const overall = figuresOf(all);
  const levelOrder = plan.warning.levels.map((l) => l.level);
  const byLevel = grouped(input.electricity, (r) => r.level, levelName, levelOrder).map((g) => ({
    ...g,
    planPercent: plan.warning.levels.find((l) => l.level === g.key)?.reductionPercent ?? 0,
  }));
  const countyOrder = plan.jurisdictions.map((j) => j.id);
  const byCounty = grouped(
    input.electricity,
    (r) => r.county,
    (k) => plan.jurisdictions.find((j) => j.id === k)?.name ?? k,
    countyOrder,
  );
  const byGrade = grouped(
    input.electricity,
    (r) => r.grade,
    (k) => GRADE_LABELS[k] ?? k,
    Object.keys(GRADE_LABELS),
  );
  const byIndustry = grouped(
    input.electricity,
    (r) => r.industry || '',
    (k) => k || '未填行业',
  );

  // duties (the episode summary after the lift included)
  const duties = { total: 0, onTime: 0, late: 0, overdue: 0, pending: 0 };
  for (const d of input.duties) {
    if (d.dueAt === null) continue; // standing duties without a deadline are not counted
    duties.total++;
    if (d.status === 'submitted') duties.onTime++;
    else if (d.status === 'late') duties.late++;
    else if (d.status === 'overdue') duties.overdue++;
    else duties.pending++;
  }

  // follow-ups: per enterprise, open until a 'closed' one
  const fEnterprises = new Map<string, boolean>();
  let opened = 0;
  let closed = 0;
  for (const f of input.followups) {
    if (f.action === 'closed') {
      closed++;
      fEnterprises.set(f.enterpriseId, true);
    } else {
      opened++;
      if (!fEnterprises.has(f.enterpriseId)) fEnterprises.set(f.enterpriseId, false);
    }
  }
  const followups = {
    enterprises: fEnterprises.size,
    opened,
    closed,
    open: [...fEnterprises.values()].filter((c) => !c).length,
  };

  const base: Omit<EpisodeAssessment, 'statement'> = {
    episodeId: episode.episodeId,
    jurisdiction: { id: episode.jurisdiction, name: jName },
    finished,
    from,
    to,
    thresholds,
    days,
    forecast,
    observed,
    comparedDays: compared.length,
    meanAbsoluteError,
    meanError,
    emission: { overall, byLevel, byCounty, byGrade, byIndustry },
    duties,
    followups,
    opinion: input.opinion ?? null,
  };
  return { ...base, statement: assessmentStatement(base) };
}

/** What the figures support, in plain Chinese; never a causal claim the figures cannot carry. */
export function assessmentStatement(a: Omit<EpisodeAssessment, 'statement'>): string[] {
  const out: string[] = [];
  if (!a.from || !a.to) return ['本次过程未启动预警或提前应对，无应对成效可评估。'];
  const n = a.days.length;
  const span = a.from === a.to ? cstDateWords(a.from) : `${cstDateWords(a.from)}至${cstDateWords(a.to)}`;
  out.push(
    `${a.finished ? '' : '过程尚未结束，以下为截至目前的情况。'}${a.jurisdiction.name}本次过程${span}共${n}天，其中${a.observed.days}天有实况日AQI，${a.forecast.days}天有会商预报。`,
  );
  const over = (f: SeriesFigures) => f.daysOver.map((x) => `超过${x.threshold}的${x.days}天`).join('、');
  if (a.observed.days > 0) {
    out.push(
      `实况日AQI峰值${a.observed.peak}（${cstDateWords(a.observed.peakDate as string)}），均值${a.observed.mean}，${over(a.observed)}；` +
        (a.forecast.days > 0
          ? `预报峰值${a.forecast.peak}（${cstDateWords(a.forecast.peakDate as string)}），均值${a.forecast.mean}，${over(a.forecast)}。`
          : '无会商预报可比。'),
    );
  } else {
    out.push('缺少实况数据，无法比较预报与实况。');
  }
  if (a.comparedDays > 0 && a.meanError !== null && a.meanAbsoluteError !== null) {
    const dir =
      a.meanError > 0
        ? `实况AQI平均比预报低${a.meanError}`
        : a.meanError < 0
          ? `实况AQI平均比预报高${-a.meanError}`
          : '实况AQI平均与预报持平';
    out.push(
      `有预报和实况的${a.comparedDays}天，预报平均绝对误差${a.meanAbsoluteError}，${dir}。预报与实况之差同时受气象条件和排放变化影响，本评估未作气象归因分析，不能据此认定减排措施使AQI降低了多少。`,
    );
  }
  const e = a.emission.overall;
  if (e.enterprises === 0) {
    out.push('无耗电量核算结果，减排落实情况无法用用电数据核实。');
  } else {
    const lines = a.emission.byLevel
      .filter((g) => g.meanCut !== null)
      .map(
        (g) =>
          `${g.label}期间平均下降${pct(g.meanCut as number)}，按绩效分级折算的要求平均${pct(g.meanRequired as number)}（方案要求${g.planPercent}%）`,
      );
    out.push(
      `参与核算企业${e.enterprises}家，其中有用电数据${e.withData}家、无数据${e.noData}家、豁免${e.exempt}家。` +
        (e.meanCut !== null && e.meanRequired !== null
          ? `有数据的企业用电量较基准平均下降${pct(e.meanCut)}，${
              e.meanCut >= e.meanRequired ? '达到' : '低于'
            }按方案要求折算的平均${pct(e.meanRequired)}；${lines.join('；')}；达标企业日占${pct(e.complianceRate as number)}。`
          : '无企业有可用的用电数据，减排落实情况无法核实。') +
        '用电量下降是企业减产限产的间接证据，不等于污染物排放量的实测削减。',
    );
  }
  const d = a.duties;
  out.push(
    d.total > 0
      ? `有时限的职责${d.total}项，按时完成${d.onTime}项，迟报${d.late}项，逾期未报${d.overdue}项${d.pending > 0 ? `，尚未到期或未完成${d.pending}项` : ''}。`
      : '无有时限的职责记录。',
  );
  const f = a.followups;
  out.push(
    f.enterprises > 0
      ? `对${f.enterprises}家企业开展执法跟进${f.opened}次，办结${f.closed}件，尚有${f.open}家未办结。`
      : '无执法跟进事项。',
  );
  if (a.observed.days > 0 && e.meanCut !== null && e.meanRequired !== null && a.meanError !== null) {
    const cutMet = e.meanCut >= e.meanRequired;
    const better = a.meanError > 0;
    out.push(
      cutMet && better
        ? '综上：企业用电数据表明减排措施总体落实，同期实况空气质量好于会商预报；两者同时出现，但这些数据不足以证明二者的因果关系及其程度。'
        : cutMet
          ? '综上：企业用电数据表明减排措施总体落实，但实况空气质量未好于会商预报，可能与气象条件不利或预报偏差有关，需结合气象分析判断。'
          : better
            ? '综上：实况空气质量好于会商预报，但企业用电量平均降幅未达到要求，不能将空气质量好于预报归于减排措施。'
            : '综上：企业用电量平均降幅未达到要求，实况空气质量也未好于会商预报，应查找减排措施落实中的问题。',
    );
  }
  return out;
}
