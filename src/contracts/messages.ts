/**
 * The episode workflow's messages as plain JSON shapes: its start input, the inputs and answers of
 * its updates, and who sends them. Shared by the workflow, the activities, the API and the tests;
 * types only, so importing it never pulls code into the workflow bundle. Times are ISO strings with
 * +08:00 or epoch ms.
 */
import type {
  ActorRole,
  ConsultationRecord,
  LatestObservation,
  ObservedDay,
  ForecastDay,
  LevelOrNone,
  PendingProposal,
  ProvincialDirective,
  ResponsePlan,
  WarningLevel,
} from '../domain/index.js';
import type { CarriedState } from './carried-state.js';

/** Who does something: the principal behind an API call (or a test). */
export interface Principal {
  id: string;
  role: ActorRole;
  /** The plan unit the principal belongs to (branches, enforcement, office …). */
  unit?: string;
}

export interface StartEpisodeInput {
  episodeId: string;
  jurisdiction: string;
  planId: string;
  /** Pinned for the whole episode; the latest version of the plan when the API started it. */
  planVersion: number;
  /**
   * The content of the pinned version (the published `plan_versions` row in force when the API
   * started the episode): the workflow runs under it, and continue-as-new carries it. Absent in runs
   * recorded before plans were data: those read (planId, planVersion) from the repository's registry.
   */
  planSnapshot?: ResponsePlan;
  exercise: boolean;
  initiator: Principal;
  origin: 'consultation' | 'province';
  /** The forecast of the consultation that started the episode (daily AQI, consecutive days). */
  forecast: ForecastDay[];
  /** A provincial directive gives the level. */
  directedLevel?: WarningLevel;
  /** Exercises only: real milliseconds one response day lasts (default: the plan's exercise setting). */
  exerciseDayMs?: number;
  /** Continue as new once a run's history passes this many events (default 4,000; tests lower it). */
  continueAsNewAfterEvents?: number;
  /** Set only when the workflow continues as new. */
  carried?: CarriedState;
}

export interface ConsultationInput {
  actor: Principal;
  forecast: ForecastDay[];
  /** A provincial warning directive: the level is given rather than derived from the forecast. */
  directedLevel?: WarningLevel;
  /**
   * The provincial directive in full (文件 or 建议, number, date; a level, which is a floor, or a
   * lift). `directedLevel` alone is read as a 文件 directing that level.
   */
  directive?: ProvincialDirective;
  /** Participants, forecast products and conclusion of the consultation (会商记录, #18.4). */
  record?: ConsultationRecord;
}

/** The observation feed's signal: the jurisdiction's observed days and latest rolling AQI (#14.3). */
export interface ObservationInput {
  days: ObservedDay[];
  latest: LatestObservation | null;
}

export interface ConsultationResult {
  consultationId: string;
  level: LevelOrNone;
  earlyResponse: boolean;
  proposal: PendingProposal | null;
  /** The sequence number of the last event the episode has recorded (read-your-writes). */
  seq: number;
}

export type DecisionKind = 'approve' | 'order-level' | 'decline' | 'lift';

export interface DecisionInput {
  actor: Principal;
  decision: DecisionKind;
  /** The proposal decided on (required for approve and decline; checked against the pending one). */
  proposalId?: string;
  /** For order-level. */
  level?: WarningLevel;
  /**
   * When the ordered warning, change or lift takes effect (ISO with offset; 预警自X日X时起): at most an
   * hour back and three days ahead. Default: the moment of the order.
   */
  effectiveAt?: string;
  comment?: string;
}

/** Values of the plan's daily report form (checked again by the API with the plan's zod validator). */
export type ReportFields = Record<string, number | string | string[]>;

export interface ReportInput {
  actor: Principal;
  unitId: string;
  responseDay: number;
  /** Idempotency: the same reportId submitted twice is one submission. */
  reportId: string;
  fields: ReportFields;
  /**
   * When the API received it (ISO with offset). Lateness is judged by it, so an outage between the API
   * and the workflow does not make an on-time report late; refused when more than an hour old or more
   * than two minutes ahead of the workflow's clock.
   */
  receivedAt?: string;
}

export interface ReportResult {
  reportId: string;
  unitId: string;
  responseDay: number;
  late: boolean;
  replaced: boolean;
  duplicate: boolean;
  /** The sequence number of the last event the episode has recorded (read-your-writes). */
  seq: number;
}

export interface SummaryResult {
  summaryId: string;
  late: boolean;
  /** The sequence number of the last event the episode has recorded (read-your-writes). */
  seq: number;
}

export interface SummaryInput {
  actor: Principal;
  unitId: string;
  summaryId: string;
  text: string;
  /** When the API received it (see ReportInput.receivedAt). */
  receivedAt?: string;
}

export interface CloseInput {
  actor: Principal;
  reason: 'end-early-response' | 'cancel';
  comment?: string;
}

/** The office's decision on a 通报 the ladder proposed (五(四)2). */
/** A unit's 签收 of a warning notice (#15.6); the unit is the actor's own. */
export interface AcknowledgeInput {
  actor: Principal;
  noticeKey: string;
}

export interface NoticeDecisionInput {
  actor: Principal;
  noticeId: string;
  decision: 'issue' | 'decline';
  /** Why not: required to decline. */
  reason?: string;
  /** The office's own wording of the 通报 when it issues it (#13.5); else the generated text. */
  text?: string;
}

/** The office's 签发 of the drafted work summary (#13.5): it names the 签发人. */
export interface SignWorkSummaryInput {
  actor: Principal;
  signer: string;
}

/** The office's decision on a proposed early response (五(二)1). */
export interface EarlyResponseDecisionInput {
  actor: Principal;
  decision: 'start' | 'decline';
  /** Why not: required to decline. */
  reason?: string;
}
