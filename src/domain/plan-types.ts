/**
 * Types of a response plan. Zod-free on purpose: workflows import these modules, and the
 * zod schema (plan-schema.ts) is checked against these types at compile time.
 */
import type { FieldSettings } from './field-plan.js';

export type WarningLevel = 'yellow' | 'orange' | 'red';
export type LevelOrNone = 'none' | WarningLevel;
export type ResponseGrade = 'III' | 'II' | 'I';
/** The lowest state from which a duty applies: 'early' = early response and every warning level. */
export type DutyFromLevel = 'early' | WarningLevel;
export type DutyCadence = 'daily' | 'once' | 'on-decision';
export type UnitKind = 'internal' | 'external';
export type PerformanceGrade = 'A' | 'B' | 'C' | 'D' | 'unrated';

export const WARNING_LEVELS: readonly WarningLevel[] = ['yellow', 'orange', 'red'];
/** Severity rank: none 0, yellow 1, orange 2, red 3. */
export const LEVEL_RANK: Readonly<Record<LevelOrNone, number>> = { none: 0, yellow: 1, orange: 2, red: 3 };

export interface Jurisdiction {
  id: string;
  name: string;
  kind: 'city' | 'county';
  /** The enclosing jurisdiction (the city for a county-level area). */
  parent?: string;
  /** GB/T 2260 administrative division code (6 digits): the CAP `geocode` and the national identifier. */
  areaCode?: string;
  /** Boundary as a CAP polygon ("lat,lon lat,lon …", WGS 84, first point = last point), where known. */
  polygon?: string;
}

export interface Unit {
  id: string;
  name: string;
  shortName?: string;
  kind: UnitKind;
  /** For branches: the county-level area it covers. */
  jurisdiction?: string;
  /** Files the daily work report (三.1) and the episode summary. */
  filesDailyReport: boolean;
  /** Organisational parent (e.g. the office director belongs to the office). */
  parent?: string;
  description?: string;
  /**
   * A related department or partner (二.4, 二.5, 二.8): what the plan asks of it while a warning is in
   * force. A unit with `asks` is told of the warning, its changes and its lift.
   */
  asks?: string;
}

/** One clause: AQI strictly above `aqiAbove` on at least `minConsecutiveDays` consecutive days. */
export interface AqiClause {
  aqiAbove: number;
  minConsecutiveDays: number;
}

/**
 * A condition is a conjunction of clauses. The first clause is the anchor: it must hold on a run of
 * consecutive days, and every other clause must hold inside that same run (so "AQI>200 for 3 days
 * and AQI>300 on 1 day" requires the >300 day to be one of the >200 days). Anchor threshold must be
 * the lowest in the conjunction.
 */
export interface WarningCondition {
  id: string;
  description: string;
  clauses: AqiClause[];
}

export interface WarningLevelRule {
  level: WarningLevel;
  /** 黄色预警 … */
  name: string;
  response: ResponseGrade;
  /** Ⅲ级应急响应 … */
  responseName: string;
  /** Minimum emission reduction (SO2, NOx, PM, VOCs), percent. */
  reductionPercent: number;
  /** Alternatives: the level applies when any condition holds. */
  conditions: WarningCondition[];
}

export interface EarlyResponseCondition {
  id: string;
  description: string;
  aqiAbove: number;
  minConsecutiveDays: number;
  /** When given, only days whose primary pollutants include one of these count. */
  primaryPollutants?: string[];
}

export interface LiftRule {
  /** The forecast must stay below the lowest warning condition for at least this many hours. */
  minHoursBelow: number;
  description: string;
}

export interface DutyIntensity {
  metric: string;
  label: string;
  unit: string;
  byLevel: { early?: number; yellow: number; orange: number; red: number };
}

export interface Duty {
  /** '2.1' … '2.9', '3.1', '3.2' (section 五.(二)/(三) of the plan). */
  id: string;
  title: string;
  description: string;
  lead: string[];
  responsible: string[];
  support: string[];
  /** External parties the duty coordinates with (power company, traffic police …). */
  coordinates: string[];
  /** Who receives the duty's output (reports, summaries), if anyone. */
  recipients: string[];
  fromLevel: DutyFromLevel;
  cadence: DutyCadence;
  /** The duty includes the episode summary due after the lift (三.1, 三.2). */
  summaryAfterLift: boolean;
  intensity?: DutyIntensity;
  /**
   * Pollutant-specific duties (6号: an ozone process gets VOCs/NOx supervision, not the PM measures):
   * `only` — the duty applies only in a process whose primary pollutants include one of these;
   * `except` — it does not apply in a process whose primary pollutants are all among these.
   */
  pollutants?: { only?: string[]; except?: string[] };
}

export interface DailyReportDeadline {
  /** 'HH:mm' CST on each response day. */
  time: string;
}

export interface SummaryDeadline {
  time: string;
  /** Days after the lift (1 = the next day). */
  dayOffset: number;
}

export interface EscalationStep {
  /** Minutes after the deadline (or after the decision timeout). */
  offsetMinutes: number;
  /** Unit ids, or '$unit' for the unit that is late. */
  targets: string[];
  /** Key into `templates`. */
  template: string;
  /** Record a circulated notice (通报) at this step; the episode summary lists it. */
  circulateNotice: boolean;
  description: string;
}

export interface CommanderDecisionDeadline {
  timeoutMinutes: number;
  /** Offsets measured from the timeout. */
  escalation: EscalationStep[];
}

export interface Deadlines {
  dailyReport: DailyReportDeadline;
  unitSummary: SummaryDeadline;
  /** The office's daily response report to the task-force leaders (三.2). */
  officeDailyReport: DailyReportDeadline;
  commanderDecision: CommanderDecisionDeadline;
  /** A message still undelivered this long after it was first sent raises an alert to the office. */
  deliveryAlertMinutes: number;
  /**
   * Pulls from the provincial air-quality platform failing this long raise one alert to the office
   * per outage (#14.1b, the `airPlatformDown` template). Absent: no alert.
   */
  airPlatformAlertMinutes?: number;
  /**
   * Units and departments acknowledge (签收) a warning notice, its change and its lift within this many
   * minutes; still unacknowledged then, the office is told (#15.6). Absent: no 签收 is asked.
   */
  acknowledgementMinutes?: number;
  /**
   * The least working time (hours) a first report or a summary leaves the units: a warning that takes
   * effect later than this before the day's report time owes its first report the next day. 0 or
   * absent: day 1's report is due on day 1 whatever the hour.
   */
  minWorkingHours?: number;
}

export interface ExerciseSettings {
  /** Real milliseconds that one response day lasts in an exercise. */
  dayMs: number;
}

export interface ElectricitySettings {
  /** Take the mean of up to this many normal days before the episode start. */
  baselineDays: number;
  /** Fewer valid days than this → insufficient data. */
  minBaselineDays: number;
  /** Look back at most this many calendar days. */
  lookbackDays: number;
  /** Dates never used for a baseline (holidays, earlier episodes). */
  excludedDates: string[];
  /** Grades whose enterprises set their own measures: verdict 'exempt'. */
  exemptGrades: PerformanceGrade[];
  /** Enterprise flags that exempt (residential heating, livelihood). */
  exemptFlags: string[];
  /** Required cut = level reduction × multiplier (capped at 100 %). */
  gradeMultipliers: Record<Exclude<PerformanceGrade, 'A'>, number>;
  /** A cut this many percentage points below the requirement still passes (meter noise). */
  tolerancePercent: number;
}

/** The warning facts an SMS template variable may carry. */
export const SMS_TEMPLATE_FACTS = ['jurisdictionName', 'levelName', 'responseName', 'effectiveAt'] as const;
export type SmsTemplateFact = (typeof SMS_TEMPLATE_FACTS)[number];

/** One approved SMS template of a provider (阿里云/腾讯云 短信模板): the id and its variables in order. */
export interface SmsTemplate {
  /** The provider's template id (Aliyun TemplateCode 'SMS_…', Tencent TemplateId digits). */
  templateId: string;
  /** Template variables in the template's order: the provider's variable name and the warning fact it carries. */
  params: Array<{ name: string; from: SmsTemplateFact }>;
}

/**
 * What the office's documents say that depends on the jurisdiction (GB/T 9704-2012 elements): who
 * issues them, their 机关代字, to whom they go. County plans carry their own.
 */
export interface DocumentSettings {
  /** 发文机关标志 of red-head documents, on one line, e.g. 朝阳市重污染天气专项应急指挥部办公室文件. */
  issuerMark: string;
  /** 发文机关署名 (the issuing office's full name), e.g. 朝阳市重污染天气专项应急指挥部办公室. */
  issuerName: string;
  /** 机关代字 of the 发文字号 (机关代字〔2026〕N号), numbered per issuer and year. */
  agencyCode: string;
  /** The name of the office's 简报 (the daily response report), e.g. 重污染天气应急专班工作简报. */
  briefingName: string;
  // 主送 of the daily response report and of the work summary: the plan's roles (leaders,
  // summaryRecipients), so that the messages and the documents name the same recipients.
  /** 主送 of the warning notices (启动/调整/解除通知) and of the 通报, unit ids. */
  noticeAddressees: string[];
  /** 抄送 of red-head documents, unit ids. */
  ccUnits: string[];
  /** 印发机关 of the 版记. */
  printedBy: string;
  /** 签发人 of up-going documents (报告), as the office writes it. */
  signer: string;
  /** 紧急程度 of the warning notices. */
  noticeUrgency: '特急' | '加急';
  /** The text the work summary prints under 问题与经验 until the office writes its own. */
  lessonsPlaceholder: string;
}

/** How public warnings leave the city: the national format (GB/T 35965.1) and the SMS templates. */
export interface PublicationSettings {
  /** The agency's code in the national system, appended to the area code in identifiers (GB/T 35965.1). */
  agencyCode: string;
  /** 突发事件类型代码 of the warning's event, as the national system lists it. */
  eventType: string;
  /** Approved SMS templates for the public warning: issue/level change (Alert, Update) and lift (Cancel). */
  smsTemplates: { Alert: SmsTemplate; Update: SmsTemplate; Cancel: SmsTemplate };
}

export interface MessageTemplate {
  title: string;
  body: string;
}

export type ReportFieldType = 'integer' | 'text' | 'idList';

export interface ReportField {
  name: string;
  label: string;
  /** The column head in the office's documents (the label when absent). */
  shortLabel?: string;
  type: ReportFieldType;
  required: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

export interface ReportForm {
  id: string;
  title: string;
  fields: ReportField[];
}

/**
 * Who fills the plan's standing roles (unit ids of `units`). The city's plan names its 专班办公室,
 * its commander, the task-force leaders and 市政府/省; a county's plan (二.2: 属地预案) names its
 * branch, the county's commander and leaders, the county government and the city command office.
 */
export interface PlanRoles {
  /** Consults, proposes, records directives and keeps the episode (五(一)2: a county's branch). */
  office: string;
  /** Whose orders start, change and lift the warning. */
  commander: string;
  /** Receive the office's daily response report (三.2). */
  leaders: string[];
  /** Receive the work summary after the lift (三.2). */
  summaryRecipients: string[];
}

/** A plan that reuses another plan's rules (a county's plan reusing the city's thresholds and duties). */
export interface PlanBasis {
  id: string;
  version: number;
  /** What is taken from it, in words (for the office reading the plan). */
  reuses: string;
}

export interface ResponsePlan {
  id: string;
  version: number;
  name: string;
  documentNumber: string;
  issuer: string;
  issuedOn: string;
  effectiveFrom: string;
  /** The jurisdiction whose episodes the plan governs (the city, or one county for a county's plan). */
  jurisdiction: string;
  jurisdictions: Jurisdiction[];
  /** Set when the plan reuses another plan's rules. */
  basedOn?: PlanBasis;
  units: Unit[];
  roles: PlanRoles;
  warning: { levels: WarningLevelRule[] };
  earlyResponse: { description: string; conditions: EarlyResponseCondition[] };
  lift: LiftRule;
  duties: Duty[];
  deadlines: Deadlines;
  escalation: { reports: EscalationStep[] };
  exercise: ExerciseSettings;
  electricity: ElectricitySettings;
  templates: Record<string, MessageTemplate>;
  reportForm: ReportForm;
  /**
   * Health advice of the public warning by primary pollutant (an ozone process is advised about the
   * afternoon hours); absent for a pollutant = the AQI category's advice (HJ 633).
   */
  healthAdvice?: Record<string, string>;
  /** Public-warning distribution (national format, SMS templates); absent = CAP only. */
  publication?: PublicationSettings;
  /** The office's documents: issuer, 机关代字, addressees, 版记. */
  documents: DocumentSettings;
  /** Field work (五(二)6–9, field-plan.ts): today's tasks, hand-overs, cases; absent = none. */
  field?: FieldSettings;
}

/** Template keys every plan must provide. */
export const REQUIRED_TEMPLATE_KEYS = [
  'warningIssued',
  'warningChanged',
  'warningLifted',
  'publicWarning',
  'earlyResponseStarted',
  'reportReminder',
  'escalationDirector',
  'escalationLeaders',
  'noticeCirculated',
  'noticeCirculatedAsWritten',
  'noticeProposed',
  'earlyResponseProposed',
  'earlyResponseEnded',
  'workSummaryDraft',
  'proposalToCommander',
  'decisionReminder',
  'decisionEscalation',
  'deliveryAlert',
  'proposalOnObservation',
  'observedWorseThanForecast',
  'acknowledgementOverdue',
] as const;
export type RequiredTemplateKey = (typeof REQUIRED_TEMPLATE_KEYS)[number];

/** Escalation target meaning "the unit that is late". */
export const LATE_UNIT_TARGET = '$unit';
