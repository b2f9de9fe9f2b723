/**
 * The field-work section of a plan (五(二)6–9), as types: how many key enterprises are supervised on
 * site and how many are patrolled per level, the competent departments of hand-overs (移交), how long
 * a case may stay open and the ladder of an overdue case. Validated by plan-schema.ts.
 */

/** The intensity of one level's on-site work. */
export interface FieldIntensity {
  /** Share of a county's key enterprises (重点企业) under on-site supervision (驻场督导) each day, %. */
  onSiteSharePercent: number;
  /** Enterprises of the reduction list a branch patrols (执法巡查) each day. */
  patrolsPerBranch: number;
  /** Enterprises of the whole list the enforcement team patrols each day. */
  patrolsEnforcement: number;
}

/** The department a problem at a kind of site is handed over to (e.g. construction sites → 住建). */
export interface FieldDepartment {
  siteKind: string;
  /** The site kind in words (施工工地). */
  label: string;
  /** A plan unit (dept.housing). */
  unitId: string;
}

/** One step of an overdue case's ladder (the shape of the plan's other ladders). */
export interface FieldEscalationStep {
  offsetMinutes: number;
  targets: string[];
  template: string;
  circulateNotice: boolean;
  description: string;
}

export type CaseKind = 'followup' | 'monitoring' | 'evidence' | 'penalty';
export const CASE_KINDS: readonly CaseKind[] = ['followup', 'monitoring', 'evidence', 'penalty'];

export interface FieldSettings {
  intensity: {
    early?: FieldIntensity;
    yellow: FieldIntensity;
    orange: FieldIntensity;
    red: FieldIntensity;
  };
  departments: FieldDepartment[];
  /** Calendar days a case of each kind may stay open; it is due at the daily report's time that day. */
  caseDueDays: Record<CaseKind, number>;
  /** Steps after a case's due date: '$unit' is the case's owner unit; templates name `templates` keys. */
  caseEscalation: FieldEscalationStep[];
  /** Template keys: the region's notice of a fire point, the office's notice of a report contradiction. */
  firePointTemplate: string;
  contradictionTemplate: string;
  /** Template keys: the department's hand-over (移交) message, the office's proposal of a 通报 for a serious one. */
  handoverTemplate: string;
  handoverNoticeTemplate: string;
}
