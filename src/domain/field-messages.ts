/**
 * The variables of field work's messages (plan templates caseOverdueOwner/caseOverdueOffice,
 * firePointNotice, reportContradiction): pure, so the texts people read are tested as sent.
 */
import { cstDateTimeWords, cstDateWords, cstDeadlineWords } from './time-words.js';
import { CASE_KIND_NAMES, overdueHours } from './field-cases.js';
import type { CaseKind } from './field-plan.js';
import type { ResponsePlan } from './plan-types.js';

const unitName = (plan: ResponsePlan, id: string) => plan.units.find((u) => u.id === id)?.name ?? id;
const countyName = (plan: ResponsePlan, id: string) =>
  plan.jurisdictions.find((j) => j.id === id)?.name ?? id;

export function caseEscalationVars(
  plan: ResponsePlan,
  c: { id: string; kind: CaseKind; enterpriseName: string; ownerUnit: string; dueMs: number },
  target: string,
  nowMs: number,
): Record<string, string | number> {
  return {
    targetName: unitName(plan, target),
    ownerName: unitName(plan, c.ownerUnit),
    enterpriseName: c.enterpriseName,
    caseKindName: CASE_KIND_NAMES[c.kind],
    caseRef: c.id.slice(0, 8),
    dueAt: cstDeadlineWords(c.dueMs),
    overdueHours: overdueHours(c.dueMs, nowMs),
  };
}

export function firePointVars(
  plan: ResponsePlan,
  f: {
    county: string;
    longitude: number;
    latitude: number;
    observedMs: number;
    source: string;
    place: string;
  },
  target: string,
): Record<string, string | number> {
  return {
    targetName: unitName(plan, target),
    countyName: countyName(plan, f.county),
    observedAt: cstDateTimeWords(f.observedMs),
    longitude: f.longitude.toFixed(4),
    latitude: f.latitude.toFixed(4),
    placeText: f.place ? `，${f.place}` : '',
    sourceName: f.source === 'satellite-csv' ? '卫星遥感火点' : '现场发现',
  };
}

export function handoverVars(
  plan: ResponsePlan,
  h: {
    unitId: string;
    county: string;
    siteKind: string;
    siteName: string;
    problem: string;
    department: string;
    day: string;
  },
  target: string,
): Record<string, string | number> {
  return {
    targetName: unitName(plan, target),
    unitName: unitName(plan, h.unitId),
    dayWords: cstDateWords(h.day),
    countyName: countyName(plan, h.county),
    siteKindName: plan.field?.departments.find((d) => d.siteKind === h.siteKind)?.label ?? h.siteKind,
    siteName: h.siteName,
    problem: h.problem.replace(/[。；;.\s]+$/u, ''),
    departmentName: unitName(plan, h.department),
  };
}

export function contradictionVars(
  plan: ResponsePlan,
  unitId: string,
  day: string,
  problems: string[],
): Record<string, string | number> {
  return {
    targetName: unitName(plan, plan.roles.office),
    unitName: unitName(plan, unitId),
    dayWords: cstDateWords(day),
    problem: problems.join('；'),
  };
}
