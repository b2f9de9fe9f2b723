/**
 * The emergency reduction list by year (五(一)3), as pure rules: the one function that reads a
 * performance grade as written (B- stays B- for people, counts as B for the plan's rules), which
 * published version is in force at a moment, and what changed between two versions, field by field.
 */
import type { PerformanceGrade, WarningLevel } from './plan-types.js';

/** Grades as the lists write them → the grade the plan's electricity rules know. */
const RULE_GRADES: Readonly<Record<string, PerformanceGrade>> = {
  A: 'A',
  'A-': 'A',
  引领性: 'A',
  B: 'B',
  'B-': 'B',
  C: 'C',
  D: 'D',
  未分级: 'unrated',
  非引领性: 'unrated',
  UNRATED: 'unrated',
};

/** The accepted labels, for error messages. */
export const GRADE_LABELS_HINT = 'A、A-、B、B-、C、D、引领性、非引领性、未分级';

/**
 * The written grade normalised (trimmed, upper case, "B级" → "B"), or null when it is not a grade.
 * The label is what is stored and shown; `ruleGrade` is the only reading of it for rules.
 */
export function normaliseGradeLabel(text: string): string | null {
  const t = text.trim();
  const upper = t.toUpperCase().replace(/级$/, '').replace(/－/g, '-');
  if (RULE_GRADES[upper] !== undefined) return upper === 'UNRATED' ? '未分级' : upper;
  if (RULE_GRADES[t] !== undefined) return t;
  return null;
}

/** The grade the plan's rules apply to a written grade (B- → B); unknown labels count as unrated. */
export function ruleGrade(label: string): PerformanceGrade {
  const normal = normaliseGradeLabel(label);
  return normal === null
    ? 'unrated'
    : (RULE_GRADES[normal.toUpperCase()] ?? RULE_GRADES[normal] ?? 'unrated');
}

export interface ListVersionRef {
  id: number;
  /** Epoch ms from which the version is in force. */
  effectiveFrom: number;
}

/**
 * The published version in force at `atMs`: the one with the latest effective time at or before it
 * (ties: the higher id). Null when none is in force yet.
 */
export function versionInForce(versions: readonly ListVersionRef[], atMs: number): ListVersionRef | null {
  let best: ListVersionRef | null = null;
  for (const v of versions) {
    if (v.effectiveFrom > atMs) continue;
    if (
      !best ||
      v.effectiveFrom > best.effectiveFrom ||
      (v.effectiveFrom === best.effectiveFrom && v.id > best.id)
    )
      best = v;
  }
  return best;
}

export interface ListEntry {
  enterpriseId: string;
  name: string;
  uscc: string;
  county: string;
  industry: string;
  gradeLabel: string;
  keyEnterprise: boolean;
  exemption: string;
  meterIds: string[];
  measures: Partial<Record<WarningLevel, { summary: string; percent?: number }>>;
  longitude: number | null;
  latitude: number | null;
}

export interface FieldChange {
  field: string;
  /** Chinese column name, as the import calls it. */
  label: string;
  from: unknown;
  to: unknown;
}

export interface ListDiff {
  added: ListEntry[];
  dropped: ListEntry[];
  changed: Array<{ enterpriseId: string; name: string; county: string; changes: FieldChange[] }>;
  unchanged: number;
}

const FIELD_LABELS: Array<[keyof ListEntry, string]> = [
  ['name', '企业名称'],
  ['uscc', '统一社会信用代码'],
  ['county', '所在县区'],
  ['industry', '行业'],
  ['gradeLabel', '绩效分级'],
  ['keyEnterprise', '重点企业'],
  ['exemption', '豁免类型'],
  ['meterIds', '电表编号'],
  ['measures', '减排措施'],
  ['longitude', '经度'],
  ['latitude', '纬度'],
];

/** A stable JSON text of a value (object keys sorted), for comparing fields. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** What `to` adds, drops and changes against `from` (entries keyed by enterprise id). */
export function diffLists(from: readonly ListEntry[], to: readonly ListEntry[]): ListDiff {
  const before = new Map(from.map((e) => [e.enterpriseId, e]));
  const after = new Map(to.map((e) => [e.enterpriseId, e]));
  const diff: ListDiff = { added: [], dropped: [], changed: [], unchanged: 0 };
  for (const e of to) {
    const old = before.get(e.enterpriseId);
    if (!old) {
      diff.added.push(e);
      continue;
    }
    const changes: FieldChange[] = [];
    for (const [field, label] of FIELD_LABELS) {
      const a = field === 'meterIds' ? [...old.meterIds].sort() : old[field];
      const b = field === 'meterIds' ? [...e.meterIds].sort() : e[field];
      if (canonical(a) !== canonical(b)) changes.push({ field, label, from: old[field], to: e[field] });
    }
    if (changes.length > 0)
      diff.changed.push({ enterpriseId: e.enterpriseId, name: e.name, county: e.county, changes });
    else diff.unchanged++;
  }
  for (const e of from) if (!after.has(e.enterpriseId)) diff.dropped.push(e);
  const byId = (a: { enterpriseId: string }, b: { enterpriseId: string }) =>
    a.enterpriseId < b.enterpriseId ? -1 : a.enterpriseId > b.enterpriseId ? 1 : 0;
  diff.added.sort(byId);
  diff.dropped.sort(byId);
  diff.changed.sort(byId);
  return diff;
}
