/** Which duties apply at a stage of an episode, and who must report. */
import { DomainError, ErrorCode } from './errors.js';
import type { Duty, DutyFromLevel, ResponsePlan, Unit, WarningLevel } from './plan-types.js';

export type ResponseStage = 'early' | WarningLevel;

const STAGE_RANK: Readonly<Record<DutyFromLevel, number>> = { early: 0, yellow: 1, orange: 2, red: 3 };

/**
 * Duties in force at a stage: those whose `fromLevel` is at or below it, and — when the process's
 * primary pollutants are given — that apply to them (dutyAppliesTo). Without pollutants (unknown, or
 * runs before the rule) a pollutant-only duty is left out and every other duty applies.
 */
export function dutiesFor(plan: ResponsePlan, stage: ResponseStage, pollutants?: readonly string[]): Duty[] {
  const rank = STAGE_RANK[stage];
  return plan.duties.filter((d) => STAGE_RANK[d.fromLevel] <= rank && dutyAppliesTo(d, pollutants ?? []));
}

/** Whether a duty applies to a process of these primary pollutants (6号: ozone is not PM). */
export function dutyAppliesTo(duty: Duty, pollutants: readonly string[]): boolean {
  const { only, except } = duty.pollutants ?? {};
  if (only && !pollutants.some((p) => only.includes(p))) return false;
  if (except && pollutants.length > 0 && pollutants.every((p) => except.includes(p))) return false;
  return true;
}

/** The intensity value of a duty at a stage (undefined when the duty has none for that stage). */
export function dutyIntensity(duty: Duty, stage: ResponseStage): number | undefined {
  return duty.intensity?.byLevel[stage];
}

/** Units that file the daily report and the episode summary (branches + enforcement by default). */
export function reportingUnits(plan: ResponsePlan): Unit[] {
  return plan.units.filter((u) => u.filesDailyReport);
}

export function findUnit(plan: ResponsePlan, unitId: string): Unit {
  const unit = plan.units.find((u) => u.id === unitId);
  if (!unit) throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no unit "${unitId}"`);
  return unit;
}

export function findDuty(plan: ResponsePlan, dutyId: string): Duty {
  const duty = plan.duties.find((d) => d.id === dutyId);
  if (!duty) throw new DomainError(ErrorCode.NOT_FOUND, `plan ${plan.id} has no duty "${dutyId}"`);
  return duty;
}

/** Unit ids that carry a duty (lead + responsible, deduplicated, plan order). */
export function dutyUnits(duty: Duty): string[] {
  return [...new Set([...duty.lead, ...duty.responsible])];
}

/**
 * Units that report daily in an episode of `jurisdiction`: every reporting unit for the plan's own
 * jurisdiction, else the county's own branch and the units bound to no county.
 */
export function obligedUnits(plan: ResponsePlan, jurisdiction: string): string[] {
  const city = jurisdiction === plan.jurisdiction;
  return reportingUnits(plan)
    .filter((u) => city || !u.jurisdiction || u.jurisdiction === jurisdiction)
    .map((u) => u.id);
}

/** The plan's internal units: they receive the warning, its changes, its lift and circulated notices. */
export function internalUnits(plan: ResponsePlan): string[] {
  return plan.units.filter((u) => u.kind === 'internal').map((u) => u.id);
}

/** The branch that follows up an enterprise of `county` (the enforcement team where none does). */
export function followUpUnit(plan: ResponsePlan, county: string): string {
  return plan.units.find((u) => u.jurisdiction === county && u.filesDailyReport)?.id ?? 'enforcement';
}
