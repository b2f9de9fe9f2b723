/**
 * Episode domain events. Each event is small, JSON-only (no Date/Map/Set) and carries its time
 * (`at`, ISO 8601 with +08:00) and actor. The episode's state is `foldEpisode(events)`.
 */
import type { Classification, ForecastDay, RuleReason } from './classify.js';
import type { ElectricityCounts } from './electricity.js';
import type { LatestObservation, ObservedDay } from './observation.js';
import type { LevelOrNone, ResponseGrade, WarningLevel } from './plan-types.js';

/** A person (with their unit and role) or the system itself. */
export type Actor = 'system' | { id: string; unit?: string; role?: string };

interface EventBase<T extends string> {
  type: T;
  /** ISO 8601 with offset, e.g. '2026-11-29T17:00:00+08:00'. */
  at: string;
  actor: Actor;
}

/** A response day number (1-based) or the post-lift episode summary. */
export type ReportSlot = number | 'summary';

export type ProposalKind = 'start' | 'change' | 'lift';
export type CommanderDecision = 'approve' | 'order-level' | 'decline' | 'lift';
export type EpisodeOrigin = 'consultation' | 'province';

export type EpisodeStarted = EventBase<'episode.started'> & {
  episodeId: string;
  jurisdiction: string;
  planId: string;
  planVersion: number;
  exercise: boolean;
  initiator: string;
  origin: EpisodeOrigin;
};

export type ConsultationRecorded = EventBase<'consultation.recorded'> & {
  consultationId: string;
  days: ForecastDay[];
  classification: Classification;
  /** The early-response condition held (sub-threshold process). */
  early?: boolean;
  /** A provincial directive recorded with this consultation. */
  directive?: ProvincialDirective;
  /** Who took part, the forecast products used and the conclusion (五(一)2, #18.4). */
  record?: ConsultationRecord;
};

/** The record of a consultation (会商记录): participants, products, conclusion. */
export interface ConsultationRecord {
  /** e.g. 市生态环境监测中心, 市气象台, 双塔分局 */
  participants: string[];
  /** The forecast products attached: title and a reference (file name, number or address). */
  products: Array<{ title: string; reference?: string | undefined }>;
  conclusion: string;
}

/** A warning directive of the provincial command office (省级预警指令). */
export interface ProvincialDirective {
  /** 文件 (a formal document) or 建议 (an advisory). */
  kind: '文件' | '建议';
  /** The document number, e.g. 辽重污染应急办〔2026〕12号. */
  number?: string;
  /** 'YYYY-MM-DD' */
  date?: string;
  /** The level directed (a floor for the episode), or a lift. */
  action: 'level' | 'lift';
  level?: WarningLevel;
}

export type ProposalWithdrawn = EventBase<'proposal.withdrawn'> & {
  proposalId: string;
  /** Why a later consultation no longer supports it (Chinese, shown to the commander). */
  reason: string;
};

export type LevelProposed = EventBase<'level.proposed'> & {
  proposalId: string;
  kind: ProposalKind;
  level: LevelOrNone;
  reasons: RuleReason[];
};

export type CommanderDecided = EventBase<'commander.decided'> & {
  proposalId?: string;
  decision: CommanderDecision;
  /** For 'order-level' (and 'approve', the approved level). */
  level?: LevelOrNone;
  comment?: string;
};

export type WarningIssued = EventBase<'warning.issued'> & {
  warningId: string;
  level: WarningLevel;
  response: ResponseGrade;
  /** CST date of response day 1. */
  firstDay: string;
};

export type WarningChanged = EventBase<'warning.changed'> & {
  level: WarningLevel;
  response: ResponseGrade;
  previousLevel: WarningLevel;
};

export type WarningLifted = EventBase<'warning.lifted'> & {
  level: WarningLevel;
  response: ResponseGrade;
};

export type EarlyResponseStarted = EventBase<'early-response.started'> & {
  /** CST date of response day 1 of the early response. */
  firstDay: string;
  reasons: RuleReason[];
};

export type EarlyResponseEnded = EventBase<'early-response.ended'> & {
  reason: string;
};

/** A consultation shows a sub-threshold process: an early response is proposed to the office (五(二)1). */
export type EarlyResponseProposed = EventBase<'early-response.proposed'> & {
  reasons: RuleReason[];
};

/** The office declines the proposed early response (or a later consultation no longer supports it). */
export type EarlyResponseDeclined = EventBase<'early-response.declined'> & {
  reason: string;
};

export type DutyAssigned = EventBase<'duty.assigned'> & {
  dutyId: string;
  unitId: string;
  /** ISO deadline, when the duty has one. */
  dueAt?: string;
  responseDay?: ReportSlot;
};

export type ReportSubmitted = EventBase<'report.submitted'> & {
  unitId: string;
  responseDay: number;
  reportId: string;
  late: boolean;
  /** A correction replacing an earlier report for the same unit and day. */
  replaced: boolean;
  /** When it arrived (the API's receipt), if that is not `at`; lateness is judged by it. */
  receivedAt?: string;
};

export type ReportOverdue = EventBase<'report.overdue'> & {
  unitId: string;
  responseDay: ReportSlot;
  dueAt: string;
};

export type EscalationStepTaken = EventBase<'escalation.step'> & {
  unitId: string;
  responseDay: ReportSlot;
  step: number;
  /** Unit ids notified at this step. */
  targets: string[];
};

export type EscalationStopped = EventBase<'escalation.stopped'> & {
  unitId: string;
  responseDay: ReportSlot;
  reason: 'submitted' | 'lifted' | 'closed' | 'cancelled';
};

export type NoticeCirculated = EventBase<'notice.circulated'> & {
  noticeId: string;
  unitId: string;
  responseDay: ReportSlot;
  reason: string;
  /** The office's own wording, when it edited the 通报 before issuing it (#13.5). */
  text?: string;
};

/** The ladder's last step proposes a 通报 to the office (五(四)2): only the office issues it. */
export type NoticeProposed = EventBase<'notice.proposed'> & {
  noticeId: string;
  unitId: string;
  responseDay: ReportSlot;
  /** When the report was due (ISO, +08:00). */
  dueAt: string;
  reason: string;
};

/** The office declines a proposed 通报, with its reason. */
export type NoticeDeclined = EventBase<'notice.declined'> & {
  noticeId: string;
  reason: string;
};

export type ProposalEscalated = EventBase<'proposal.escalated'> & {
  proposalId: string;
  step: number;
  targets: string[];
};

export type ElectricityAssessed = EventBase<'electricity.assessed'> & {
  day: string;
  level: WarningLevel;
  counts: ElectricityCounts;
  nonCompliantIds: string[];
};

export type EnforcementFollowup = EventBase<'enforcement.followup'> & {
  enterpriseId: string;
  unitId: string;
  caseId?: string;
  action: 'inspection' | 'monitoring' | 'penalty' | 'closed';
};

export type SummarySubmitted = EventBase<'summary.submitted'> & {
  unitId: string;
  summaryId: string;
  late: boolean;
  /** When it arrived (the API's receipt); lateness is judged by it. */
  receivedAt?: string;
};

export type DocumentProduced = EventBase<'document.produced'> & {
  kind:
    | 'warning-notice'
    | 'daily-response-report'
    | 'work-summary'
    | 'circulated-notice'
    | 'proposal'
    | 'other';
  documentId: string;
  responseDay?: number;
};

/** Observed daily AQI (and the latest rolling 24-h AQI) of the episode's jurisdiction, as received (#14.3). */
export type ObservationRecorded = EventBase<'observation.recorded'> & {
  days: ObservedDay[];
  latest: LatestObservation | null;
};

/** A day observed worse than forecast: the office is prompted to consult again (#14.3). */
export type ObservationWorse = EventBase<'observation.worse'> & {
  date: string;
  observed: number;
  forecast: number;
  reaches: WarningLevel | null;
  text: string;
};

/** What a warning notice announces: the warning, its change, its lift. */
export type AcknowledgedNews = 'issued' | 'changed' | 'lifted';

/** A warning notice the units must acknowledge (签收) by `dueAt` (#15.6). */
export type AcknowledgementRequested = EventBase<'acknowledgement.requested'> & {
  noticeKey: string;
  news: AcknowledgedNews;
  title: string;
  units: string[];
  dueAt: string;
};

/** A unit acknowledged (签收) a warning notice. */
export type NoticeAcknowledged = EventBase<'notice.acknowledged'> & {
  noticeKey: string;
  unitId: string;
};

/** The delay passed with units still not acknowledged: the office is told. */
export type AcknowledgementOverdue = EventBase<'acknowledgement.overdue'> & {
  noticeKey: string;
  units: string[];
};

/** The work summary is a draft until the office signs it off (#13.5): it waits for 签发. */
export type WorkSummaryDrafted = EventBase<'work-summary.drafted'> & {
  documentId: string;
};

/** The office signs the work summary off (签发人 named): only now is it sent to its recipients. */
export type WorkSummarySigned = EventBase<'work-summary.signed'> & {
  documentId: string;
  signer: string;
};

export type NotificationSent = EventBase<'notification.sent'> & {
  notificationId: string;
  template: string;
  recipients: string[];
  channel: string;
};

export type EpisodeClosed = EventBase<'episode.closed'> & {
  reason: 'lifted' | 'early-response-ended' | 'declined' | 'cancelled';
};

export type EpisodeEvent =
  | EpisodeStarted
  | ConsultationRecorded
  | LevelProposed
  | CommanderDecided
  | WarningIssued
  | WarningChanged
  | WarningLifted
  | EarlyResponseStarted
  | EarlyResponseEnded
  | EarlyResponseProposed
  | EarlyResponseDeclined
  | NoticeProposed
  | NoticeDeclined
  | WorkSummaryDrafted
  | WorkSummarySigned
  | DutyAssigned
  | ReportSubmitted
  | ReportOverdue
  | EscalationStepTaken
  | EscalationStopped
  | NoticeCirculated
  | ProposalEscalated
  | ProposalWithdrawn
  | ElectricityAssessed
  | EnforcementFollowup
  | SummarySubmitted
  | DocumentProduced
  | NotificationSent
  | ObservationRecorded
  | ObservationWorse
  | AcknowledgementRequested
  | NoticeAcknowledged
  | AcknowledgementOverdue
  | EpisodeClosed;

export type EpisodeEventType = EpisodeEvent['type'];

export const EPISODE_EVENT_TYPES: readonly EpisodeEventType[] = [
  'episode.started',
  'consultation.recorded',
  'level.proposed',
  'commander.decided',
  'warning.issued',
  'warning.changed',
  'warning.lifted',
  'early-response.started',
  'early-response.ended',
  'duty.assigned',
  'report.submitted',
  'report.overdue',
  'escalation.step',
  'escalation.stopped',
  'notice.circulated',
  'notice.proposed',
  'notice.declined',
  'early-response.proposed',
  'early-response.declined',
  'work-summary.drafted',
  'work-summary.signed',
  'proposal.escalated',
  'proposal.withdrawn',
  'electricity.assessed',
  'enforcement.followup',
  'summary.submitted',
  'document.produced',
  'notification.sent',
  'observation.recorded',
  'observation.worse',
  'acknowledgement.requested',
  'notice.acknowledged',
  'acknowledgement.overdue',
  'episode.closed',
];

/** Narrows an event union by type. */
export type EventOfType<T extends EpisodeEventType> = Extract<EpisodeEvent, { type: T }>;
