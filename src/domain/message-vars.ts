/**
 * The variables the episode's messages fill into the plan's templates, built from facts by pure
 * functions so that every rendered text can be checked without Temporal (see the template snapshot
 * test). Times are words (time-words.ts), never ISO strings.
 */
import { type ForecastDay, processPollutants } from './classify.js';
import type { EscalationStep, LevelOrNone, ResponsePlan } from './plan-types.js';
import type { ReportSlot } from './events.js';
import { cstDateTimeWords, cstDateWords, cstDeadlineWords } from './time-words.js';
import {
  forecastSummary,
  jurisdictionName,
  levelName,
  pendingProposalAction,
  reportItemLabel,
  unitName,
  unitNames,
} from './wording.js';

export type MessageVars = Record<string, string | number>;

export interface EpisodeFacts {
  plan: ResponsePlan;
  episodeId: string;
  jurisdiction: string;
  level: LevelOrNone;
  forecast: readonly ForecastDay[];
  /** When what the message announces takes effect (the order, the start of an early response). */
  effectiveMs: number;
  /** When the units' summaries are due, once the warning is lifted. */
  summaryDueMs: number | null;
}

/** Variables every template may use; a template takes the ones it names. */
export function episodeVars(f: EpisodeFacts): MessageVars {
  const { plan } = f;
  const rule = plan.warning.levels.find((l) => l.level === f.level);
  return {
    episodeId: f.episodeId,
    jurisdictionName: jurisdictionName(plan, f.jurisdiction),
    levelName: levelName(plan, f.level),
    responseName: rule?.responseName ?? '',
    reductionPercent: rule?.reductionPercent ?? 0,
    planName: plan.name,
    documentNumber: plan.documentNumber,
    dailyReportTime: clockWords(plan.deadlines.dailyReport.time),
    effectiveAt: cstDateTimeWords(f.effectiveMs),
    forecastSummary: forecastSummary(f.forecast),
    summaryDueAt: f.summaryDueMs !== null ? cstDeadlineWords(f.summaryDueMs) : '',
  };
}

/** '17:00' → '17时', '17:30' → '17时30分'. */
export function clockWords(time: string): string {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return `${h}时${m === 0 ? '' : `${String(m).padStart(2, '0')}分`}`;
}

/** An escalation step about one unit's overdue report or summary. */
export function escalationVars(
  plan: ResponsePlan,
  unitId: string,
  slot: ReportSlot,
  dueMs: number,
  step: EscalationStep,
  targets: readonly string[],
): MessageVars {
  return {
    unitName: unitName(plan, unitId),
    itemLabel: reportItemLabel(slot),
    dueAt: cstDeadlineWords(dueMs),
    overdueHours: Math.round(step.offsetMinutes / 60),
    targetName: unitNames(plan, targets),
  };
}

/** A reminder about a proposal the commander has not decided. */
export function proposalReminderVars(
  plan: ResponsePlan,
  proposal: { proposalId: string; kind: string; level: LevelOrNone; proposedAt: number },
  step: EscalationStep,
): MessageVars {
  return {
    proposalAction: pendingProposalAction(plan, proposal.kind, proposal.level),
    proposalId: proposal.proposalId,
    proposedAt: cstDateTimeWords(proposal.proposedAt),
    waitedMinutes: plan.deadlines.commanderDecision.timeoutMinutes + step.offsetMinutes,
    targetName: unitNames(plan, step.targets),
  };
}

/** The office's daily response report, as a message to the leaders. */
export function dailyReportVars(
  plan: ResponsePlan,
  k: number,
  date: string,
  expected: number,
  received: number,
  lateUnitIds: readonly string[],
  documentId: string,
): MessageVars {
  return {
    responseDay: k,
    date: cstDateWords(date),
    receivedCount: received,
    expectedCount: expected,
    lateUnits: unitNames(plan, lateUnitIds, '无'),
    documentId,
  };
}

/** A related department or partner told of the warning ('issued' / 'changed') or its lift. */
export function partnerVars(
  plan: ResponsePlan,
  unitId: string,
  news: 'issued' | 'changed' | 'lifted',
  level: LevelOrNone,
  effectMs: number,
): MessageVars {
  const rule = plan.warning.levels.find((l) => l.level === level);
  return {
    unitName: unitName(plan, unitId),
    levelName: levelName(plan, level),
    responseName: rule?.responseName ?? '',
    effectiveAt: cstDateTimeWords(effectMs),
    asks: plan.units.find((u) => u.id === unitId)?.asks ?? '',
    ...(news === 'lifted' ? {} : { actionWords: news === 'issued' ? '启动' : '调整为' }),
  };
}

/** A 通报 about one unit's overdue report, proposed to the office or issued by it. */
export function noticeVars(
  plan: ResponsePlan,
  notice: { noticeId: string; unitId: string; responseDay: ReportSlot; dueAt: string },
  dueMs: number,
): MessageVars {
  return {
    // people read the short number (N1); the console and the API carry the full id
    noticeId: notice.noticeId.split(':').at(-1) ?? notice.noticeId,
    unitName: unitName(plan, notice.unitId),
    itemLabel: reportItemLabel(notice.responseDay),
    dueAt: cstDeadlineWords(dueMs),
  };
}

/** An early response proposed to the office: when the consultation found what. */
export function earlyResponseProposalVars(
  reasons: ReadonlyArray<{ rule: string }>,
  consultedMs: number,
): MessageVars {
  return {
    consultationAt: cstDateTimeWords(consultedMs),
    reasonText: reasons.map((r) => r.rule).join('；') || '预报出现污染过程',
  };
}

/**
 * The public's health advice: the plan's advice for the process's primary pollutant when the process
 * has one alone (an ozone process: the afternoon hours), else the AQI category's (HJ 633).
 */
export function healthAdviceFor(
  plan: ResponsePlan,
  forecast: readonly ForecastDay[],
  categoryAdvice: string,
): string {
  const pollutants = processPollutants(forecast);
  const own = pollutants.length === 1 ? plan.healthAdvice?.[pollutants[0]!] : undefined;
  return own ?? categoryAdvice;
}
