/**
 * Cases (案件) of field work: their kinds in words, when one is due (the plan's `field.caseDueDays`,
 * at the daily report's hour) and which steps of the plan's overdue ladder (`field.caseEscalation`)
 * are due at an instant.
 */
import { MS_PER_HOUR, MS_PER_MINUTE, atCst, cstDate, nextDate } from './calendar.js';
import type { CaseKind, FieldEscalationStep, FieldSettings } from './field-plan.js';
import type { ResponsePlan } from './plan-types.js';

export const CASE_KIND_NAMES: Readonly<Record<CaseKind, string>> = {
  followup: '耗电量核算未达标执法跟进',
  monitoring: '监督性监测',
  evidence: '调查取证',
  penalty: '立案处罚',
};

/** When a case of `kind` opened at `openedMs` is due: `caseDueDays` later, at the daily report's time. */
export function caseDueAt(
  plan: ResponsePlan,
  field: FieldSettings,
  kind: CaseKind,
  openedMs: number,
): number {
  const date = nextDate(cstDate(openedMs), field.caseDueDays[kind]);
  return atCst(date, plan.deadlines.dailyReport.time);
}

/**
 * The ladder steps of an open case due at `nowMs` and not yet sent (`sent` = how many were sent:
 * steps go out in order). Empty before the due date.
 */
export function dueCaseSteps(
  ladder: readonly FieldEscalationStep[],
  dueMs: number,
  nowMs: number,
  sent: number,
): Array<{ index: number; step: FieldEscalationStep }> {
  return ladder
    .map((step, index) => ({ index, step }))
    .filter(({ index, step }) => index >= sent && nowMs >= dueMs + step.offsetMinutes * MS_PER_MINUTE);
}

/** Whole hours past the due date (at least 0), as the messages say "逾期N小时". */
export function overdueHours(dueMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - dueMs) / MS_PER_HOUR));
}
