/**
 * The escalation ladder of an overdue report (plan.escalation.reports) and of a proposal the
 * commander has not decided (plan.deadlines.commanderDecision): when the next step falls, and who it
 * goes to. Pure: the caller gives the deadline, the steps already taken and its clock's scale.
 */
import { MS_PER_MINUTE } from './calendar.js';
import { LATE_UNIT_TARGET, type EscalationStep, type ResponsePlan } from './plan-types.js';

/** Converts a real duration to the episode's clock (identity outside exercises). */
export type Scale = (realMs: number) => number;

/** The instant of a report's next ladder step after `taken` steps, or null when the ladder is done. */
export function nextReportStepAt(
  plan: ResponsePlan,
  dueMs: number,
  taken: number,
  scale: Scale,
): number | null {
  const step = plan.escalation.reports[taken];
  return step ? dueMs + scale(step.offsetMinutes * MS_PER_MINUTE) : null;
}

/** Step `index` (0-based) of the overdue-report ladder, or undefined past its end. */
export function reportStep(plan: ResponsePlan, index: number): EscalationStep | undefined {
  return plan.escalation.reports[index];
}

/** True once `taken` steps have used up the overdue-report ladder. */
export function reportLadderDone(plan: ResponsePlan, taken: number): boolean {
  return reportStep(plan, taken) === undefined;
}

/** Step `index` (0-based) of the undecided-proposal ladder, or undefined past its end. */
export function proposalStep(plan: ResponsePlan, index: number): EscalationStep | undefined {
  return plan.deadlines.commanderDecision.escalation[index];
}

/** The recipients of a ladder step, the late unit itself in place of '$unit'. */
export function stepTargets(step: EscalationStep, lateUnitId: string): string[] {
  return step.targets.map((t) => (t === LATE_UNIT_TARGET ? lateUnitId : t));
}

/** The instant of the next reminder about an undecided proposal after `taken` of them, or null. */
export function nextProposalStepAt(
  plan: ResponsePlan,
  proposedAtMs: number,
  taken: number,
  scale: Scale,
): number | null {
  const { timeoutMinutes, escalation } = plan.deadlines.commanderDecision;
  const step = escalation[taken];
  if (!step) return null;
  return proposedAtMs + scale((timeoutMinutes + step.offsetMinutes) * MS_PER_MINUTE);
}
