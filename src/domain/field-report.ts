/**
 * The daily report from the day's field records: the prefilled form (the plan's report form, filled
 * from the unit's inspections, check-ins, cases, hand-overs and vehicle checks of the day) and the one
 * rule of a report that contradicts the records or the electricity accounting (五(四)2 谎报、瞒报).
 */
import type { CaseKind } from './field-plan.js';
import type { ResponsePlan } from './plan-types.js';

export interface DayRecords {
  inspections: Array<{ enterpriseId: string; measuresInPlace: boolean; photoIds: string[] }>;
  /** Enterprises checked in on site for supervision (驻场督导) / patrol that day. */
  supervised: string[];
  patrolled: string[];
  casesOpened: Array<{ kind: CaseKind; enterpriseId: string; fromInspection: boolean }>;
  casesClosed: number;
  handovers: Array<{ siteName: string; departmentName: string }>;
  firePoints: number;
  vehicles: { checked: number; exceeding: number; penalised: number; machinery: number };
}

/** What the records count, by the report field it fills (fields the plan's form lacks are left out). */
export function recordCounts(r: DayRecords): Record<string, number> {
  const notInPlace = r.inspections.filter((i) => !i.measuresInPlace).length;
  const casesWithoutInspection = r.casesOpened.filter(
    (c) => !c.fromInspection && c.kind !== 'followup',
  ).length;
  const patrolled = new Set([...r.patrolled, ...r.inspections.map((i) => i.enterpriseId)]);
  for (const id of r.supervised) patrolled.delete(id);
  return {
    onSiteSupervisionCount: new Set(r.supervised).size,
    enterprisesPatrolled: patrolled.size,
    areaSourceActions: r.handovers.length + r.firePoints,
    vehiclesChecked: r.vehicles.checked,
    machineryChecked: r.vehicles.machinery,
    problemsFound: notInPlace + casesWithoutInspection + r.handovers.length + r.vehicles.exceeding,
    penalties: r.casesOpened.filter((c) => c.kind === 'penalty').length + r.vehicles.penalised,
  };
}

/** The notes line the officer starts from. */
export function recordNotes(r: DayRecords, enterpriseName: (id: string) => string): string {
  const parts: string[] = [];
  const bad = r.inspections.filter((i) => !i.measuresInPlace).map((i) => enterpriseName(i.enterpriseId));
  if (r.inspections.length > 0)
    parts.push(
      `现场检查企业${r.inspections.length}家次${bad.length > 0 ? `，其中${bad.join('、')}未落实应急减排措施` : '，均落实应急减排措施'}`,
    );
  if (r.casesOpened.length > 0 || r.casesClosed > 0)
    parts.push(`新立案件${r.casesOpened.length}件，办结${r.casesClosed}件`);
  for (const h of r.handovers) parts.push(`${h.siteName}问题已移交${h.departmentName}`);
  if (r.firePoints > 0) parts.push(`核查火点${r.firePoints}处`);
  if (r.vehicles.checked > 0)
    parts.push(
      `会同公安交警抽测机动车${r.vehicles.checked}辆，超标${r.vehicles.exceeding}辆，处罚${r.vehicles.penalised}辆`,
    );
  return parts.length > 0 ? `${parts.join('；')}。` : '';
}

/** The plan's report form filled from the records: integers counted, notes written, the day's photos. */
export function prefillReport(
  plan: ResponsePlan,
  r: DayRecords,
  photoIds: string[],
  enterpriseName: (id: string) => string,
): Record<string, number | string | string[]> {
  const counts = recordCounts(r);
  const out: Record<string, number | string | string[]> = {};
  for (const f of plan.reportForm.fields) {
    if (f.type === 'integer') out[f.name] = counts[f.name] ?? 0;
    else if (f.type === 'text') out[f.name] = recordNotes(r, enterpriseName).slice(0, f.maxLength ?? 4000);
    else out[f.name] = photoIds.slice(0, f.maxItems ?? 50);
  }
  return out;
}

export type ContradictionRule =
  | 'electricity-non-compliant'
  | 'inspection-contradicts-electricity'
  | 'problems-undercounted'
  | 'penalties-undercounted';

export interface Contradiction {
  rule: ContradictionRule;
  /** '' when the contradiction is not about one enterprise. */
  enterpriseId: string;
  /** In Chinese, for the office. */
  problem: string;
}

/**
 * The one rule of a report against its day: a report finding no problem (措施落实到位) while the
 * electricity accounting found an enterprise of its area non-compliant; an inspection record saying
 * the measures were in place at an enterprise the accounting found non-compliant; a report counting
 * fewer problems or penalties than the day's records hold. `nonCompliant`: the accounting's
 * non-compliant enterprises of the unit's area that day (a branch: its county; the enforcement team:
 * those it inspected).
 */
export function reportContradictions(input: {
  fields: Record<string, unknown>;
  records: DayRecords;
  nonCompliant: string[];
  enterpriseName: (id: string) => string;
}): Contradiction[] {
  const { fields, records, nonCompliant, enterpriseName } = input;
  const out: Contradiction[] = [];
  const counts = recordCounts(records);
  const reported = (name: string) => (typeof fields[name] === 'number' ? (fields[name] as number) : null);
  const problems = reported('problemsFound');
  if (problems === 0) {
    for (const id of nonCompliant)
      out.push({
        rule: 'electricity-non-compliant',
        enterpriseId: id,
        problem: `日报称未发现问题（措施落实到位），但耗电量核算认定${enterpriseName(id)}当日未落实减排要求`,
      });
  }
  const bad = new Set(nonCompliant);
  for (const i of records.inspections) {
    if (i.measuresInPlace && bad.has(i.enterpriseId))
      out.push({
        rule: 'inspection-contradicts-electricity',
        enterpriseId: i.enterpriseId,
        problem: `现场检查记录称${enterpriseName(i.enterpriseId)}措施落实到位，但耗电量核算认定其当日未达标`,
      });
  }
  const recorded = counts.problemsFound ?? 0;
  if (problems !== null && problems < recorded)
    out.push({
      rule: 'problems-undercounted',
      enterpriseId: '',
      problem: `日报填报发现问题${problems}个，当日记录的问题有${recorded}个`,
    });
  const penalties = reported('penalties');
  const recordedPenalties = counts.penalties ?? 0;
  if (penalties !== null && penalties < recordedPenalties)
    out.push({
      rule: 'penalties-undercounted',
      enterpriseId: '',
      problem: `日报填报立案处罚${penalties}件，当日记录有${recordedPenalties}件`,
    });
  // one flag per (rule, enterprise)
  const seen = new Set<string>();
  return out.filter((c) => {
    const k = `${c.rule}|${c.enterpriseId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
