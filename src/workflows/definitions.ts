/**
 * Messages of the episode workflow (signals, updates, queries) and the shapes they carry, shared by
 * the workflow, the API and the tests. Plain JSON only: times are ISO strings with +08:00 or epoch ms.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  DutyRecord,
  EpisodeEvent,
  EpisodePhase,
  EpisodeState,
  EscalationRecord,
  ForecastDay,
  LevelOrNone,
  PendingProposal,
  ResponseGrade,
  WarningLevel,
} from '../domain/index.js';

export type { ForecastDay } from '../domain/index.js';

export const EPISODE_WORKFLOW_TYPE = 'episodeWorkflow';

/** Who does something: the principal behind an API call (or a test). */
export interface Principal {
  id: string;
  role: 'office' | 'commander' | 'leader' | 'unit' | 'auditor' | 'admin' | 'province';
  /** The plan unit the principal belongs to (branches, enforcement, office …). */
  unit?: string;
}

export interface StartEpisodeInput {
  episodeId: string;
  jurisdiction: string;
  planId: string;
  /** Pinned for the whole episode; the latest version of the plan when the API started it. */
  planVersion: number;
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

/** What the episode's Query answers: the live state, sized for an API response. */
export interface EpisodeView {
  episodeId: string;
  jurisdiction: string | null;
  planId: string | null;
  planVersion: number | null;
  exercise: boolean;
  phase: EpisodePhase;
  level: LevelOrNone;
  response: ResponseGrade | null;
  origin: string | null;
  startedAt: string | null;
  firstDay: string | null;
  /** Current response day (1-based), null when no response is running. */
  responseDay: number | null;
  forecast: ForecastDay[];
  pendingProposal: PendingProposal | null;
  /** Duties of the current and previous response day, standing duties and any still open. */
  duties: DutyRecord[];
  openEscalations: EscalationRecord[];
  overdueCount: number;
  /** The 20 most recent circulated notices (all of them: the audit timeline). */
  notices: EpisodeState['notices'];
  noticeCount: number;
  documents: EpisodeState['documents'];
  decisions: EpisodeState['decisions'];
  warnings: EpisodeState['warnings'];
  electricity: EpisodeState['electricity'];
  summaries: EpisodeState['summaries'];
  liftedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  eventCount: number;
  /** The most recent domain events (the full log is in PostgreSQL, see the audit routes). */
  recentEvents: SequencedEvent[];
}

export interface SequencedEvent {
  seq: number;
  event: EpisodeEvent;
}

/** State that crosses continue-as-new: small plain JSON. */
export interface CarriedState {
  state: EpisodeState;
  seq: number;
  schedule: Schedule;
  recent: SequencedEvent[];
  forecast: ForecastDay[];
  earlyStartedAt: string | null;
}

/** The workflow's own bookkeeping of what it has done (beside the domain state). */
export interface Schedule {
  counters: { consultation: number; proposal: number; notice: number; warning: number; cap: number };
  /** Origin of the response-day calendar: real CST days, or compressed exercise days. */
  origin: {
    firstDay: string;
    startMs: number;
    /**
     * The first response day whose daily report is owed (1, or 2 for a warning that took effect too
     * close to or after day 1's report time). Absent in runs started before the rule.
     */
    firstReportDay?: number;
  } | null;
  /** Response days whose daily-report duties were assigned (1..assignedThrough). */
  assignedThrough: number;
  /** Days (1-based, after settledThrough) whose office daily report was produced. */
  dayReportsDone: number[];
  /** Days 1..settledThrough are settled: office report out, every unit reported or chased to the end. */
  settledThrough: number;
  /** Escalation steps taken, by `${slot}|${unitId}`. */
  stepsTaken: Record<string, number>;
  /** CST dates on which a warning was in force (for the electricity accounting). */
  warningDates: Array<{ date: string; level: WarningLevel }>;
  /** CAP identifier of the current public warning, for Update / Cancel references. */
  capReference: { identifier: string; sent: string } | null;
  /** Epoch ms of the lift (or end of early response) — the summaries' clock. */
  liftedMs: number | null;
  workSummaryDone: boolean;
}

export const episodeStateQuery = defineQuery<EpisodeView>('episodeState');
export const consultUpdate = defineUpdate<ConsultationResult, [ConsultationInput]>('consult');
export const decideUpdate = defineUpdate<EpisodeView, [DecisionInput]>('decide');
export const submitReportUpdate = defineUpdate<ReportResult, [ReportInput]>('submitReport');
export const submitSummaryUpdate = defineUpdate<SummaryResult, [SummaryInput]>('submitSummary');
export const closeEpisodeUpdate = defineUpdate<EpisodeView, [CloseInput]>('closeEpisode');
