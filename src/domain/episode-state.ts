/**
 * Episode state = fold(events). Pure and deterministic: `applyEvent` never mutates its input and
 * never reads a clock, so the workflow can keep `state = applyEvent(state, e)` incrementally and
 * auditors can rebuild the state at any moment with `stateAt(events, time)`.
 *
 * Phases:
 *   consultation   — started (or not yet started); forecasts are being consulted
 *   proposed       — a start proposal awaits the commander (no warning active)
 *   early-response — sub-threshold process: source controls and daily reports, no warning
 *   active         — a warning is in force (a change/lift proposal may be pending)
 *   lifting        — warning lifted / early response ended; unit summaries are due
 *   closed         — the episode is over
 *
 * `applyEvent` is permissive: a recorded history always folds. Which command may come next is the
 * workflow's decision (its update validators), not the fold's.
 */
import { parseIso } from './calendar.js';
import type { RuleReason } from './classify.js';
import type { ElectricityCounts } from './electricity.js';
import type { LatestObservation, ObservedDay } from './observation.js';
import type {
  AcknowledgedNews,
  CommanderDecision,
  ConsultationRecord,
  DocumentProduced,
  EpisodeEvent,
  EpisodeOrigin,
  ProposalKind,
  ReportSlot,
} from './events.js';
import { LEVEL_RANK, type LevelOrNone, type ResponseGrade, type WarningLevel } from './plan-types.js';

export type EpisodePhase = 'consultation' | 'proposed' | 'early-response' | 'active' | 'lifting' | 'closed';
export type DutyStatus = 'pending' | 'submitted' | 'late' | 'overdue';

export interface DutyRecord {
  /** `${dutyId}|${unitId}|${responseDay}` */
  key: string;
  dutyId: string;
  unitId: string;
  responseDay: ReportSlot | null;
  dueAt: string | null;
  status: DutyStatus;
}

export interface ReportRecord {
  reportId: string;
  at: string;
  late: boolean;
  /** Number of submissions for this unit and day (corrections included). */
  versions: number;
}

export interface EscalationRecord {
  unitId: string;
  responseDay: ReportSlot;
  step: number;
  targets: string[];
  at: string;
}

export interface NoticeRecord {
  noticeId: string;
  unitId: string;
  responseDay: ReportSlot;
  reason: string;
  at: string;
}

/** A 通报 the ladder proposed to the office, with the deadline the unit missed. */
export interface ProposedNotice extends NoticeRecord {
  dueAt: string;
}

export interface DocumentRecord {
  kind: DocumentProduced['kind'];
  documentId: string;
  at: string;
  responseDay?: number;
}

export interface PendingProposal {
  proposalId: string;
  kind: ProposalKind;
  level: LevelOrNone;
  reasons: RuleReason[];
  proposedAt: string;
  escalations: number;
}

export interface DecisionRecord {
  proposalId: string | null;
  decision: CommanderDecision;
  level: LevelOrNone | null;
  at: string;
  by: string;
}

export interface WarningRecord {
  kind: 'issued' | 'changed' | 'lifted';
  level: WarningLevel;
  response: ResponseGrade;
  at: string;
}

/** A warning notice the units acknowledge (签收): who has, and whether the office was told of the rest. */
export interface AcknowledgementRecord {
  noticeKey: string;
  news: AcknowledgedNews;
  title: string;
  sentAt: string;
  dueAt: string;
  units: string[];
  /** unitId → when it acknowledged */
  acknowledged: Record<string, string>;
  /** When the office was told of the units still not acknowledged; null before. */
  overdueAt: string | null;
}

export interface EpisodeState {
  episodeId: string | null;
  phase: EpisodePhase;
  level: LevelOrNone;
  response: ResponseGrade | null;
  exercise: boolean;
  planId: string | null;
  planVersion: number | null;
  jurisdiction: string | null;
  origin: EpisodeOrigin | null;
  initiator: string | null;
  startedAt: string | null;
  warningId: string | null;
  /** CST date of response day 1 (of the warning, or of the early response). */
  firstDay: string | null;
  earlyResponseActive: boolean;
  lastConsultation: { consultationId: string; at: string; level: LevelOrNone; early: boolean } | null;
  pendingProposal: PendingProposal | null;
  /** Proposals a later consultation withdrew (absent in states folded before the rule). */
  withdrawnProposals?: Array<{ proposalId: string; at: string; reason: string }>;
  /** The level a provincial directive set as the episode's floor, until a provincial lift. */
  directedFloor?: WarningLevel | null;
  decisions: DecisionRecord[];
  warnings: WarningRecord[];
  duties: DutyRecord[];
  /** reports[responseDay][unitId] */
  reports: Record<string, Record<string, ReportRecord>>;
  summaries: Record<string, { summaryId: string; at: string; late: boolean }>;
  openEscalations: EscalationRecord[];
  notices: NoticeRecord[];
  /** 通报 the ladder proposed that the office has not yet issued or declined (absent before the rule). */
  proposedNotices?: ProposedNotice[];
  /** 通报 the office declined, with its reason. */
  declinedNotices?: Array<{ noticeId: string; unitId: string; reason: string; at: string }>;
  /** The work summary awaiting (signedAt null) or after the office's 签发 (absent before the rule). */
  workSummary?: {
    documentId: string;
    draftedAt: string;
    signer: string | null;
    signedBy: string | null;
    signedAt: string | null;
  } | null;
  /** An early response proposed to the office and not yet confirmed or declined. */
  pendingEarlyResponse?: { at: string; reasons: RuleReason[] } | null;
  documents: DocumentRecord[];
  /** electricity[date] */
  electricity: Record<string, { level: WarningLevel; counts: ElectricityCounts; nonCompliantIds: string[] }>;
  followups: number;
  notificationsSent: number;
  /** The last 20 consultations' records: participants, products, conclusion (#18.4). */
  consultationRecords?: Array<{
    consultationId: string;
    at: string;
    participants: ConsultationRecord['participants'];
    products: ConsultationRecord['products'];
    conclusion: string;
  }>;
  /** Warning notices awaiting or past their 签收 (absent before #15.6). */
  acknowledgements?: AcknowledgementRecord[];
  /** Each day's AQI as last forecast for it, by CST date (the process table beside the observed). */
  dayForecasts?: Record<string, { date: string; aqi: number }>;
  /** Observed daily AQI of the jurisdiction by CST date (absent before #14.3). */
  observed?: Record<string, ObservedDay>;
  /** The latest rolling 24-h AQI received. */
  latestObservation?: LatestObservation | null;
  /** Days observed worse than forecast, each prompting the office to consult again. */
  worseThanForecast?: Array<{
    date: string;
    observed: number;
    forecast: number;
    reaches: WarningLevel | null;
    text: string;
    at: string;
  }>;
  liftedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  eventCount: number;
  lastEventAt: string | null;
}

export function initialEpisodeState(): EpisodeState {
  return {
    episodeId: null,
    phase: 'consultation',
    level: 'none',
    response: null,
    exercise: false,
    planId: null,
    planVersion: null,
    jurisdiction: null,
    origin: null,
    initiator: null,
    startedAt: null,
    warningId: null,
    firstDay: null,
    earlyResponseActive: false,
    lastConsultation: null,
    pendingProposal: null,
    decisions: [],
    warnings: [],
    duties: [],
    reports: {},
    summaries: {},
    openEscalations: [],
    notices: [],
    documents: [],
    electricity: {},
    followups: 0,
    notificationsSent: 0,
    liftedAt: null,
    closedAt: null,
    closeReason: null,
    eventCount: 0,
    lastEventAt: null,
  };
}

const actorId = (e: EpisodeEvent): string => (e.actor === 'system' ? 'system' : e.actor.id);
const sameSlot = (a: ReportSlot | null, b: ReportSlot | null): boolean => a === b;

/** The phase to return to when nothing is pending. */
function restingPhase(s: EpisodeState): EpisodePhase {
  if (s.closedAt !== null) return 'closed';
  if (s.level !== 'none') return 'active';
  if (s.liftedAt !== null) return 'lifting';
  if (s.earlyResponseActive) return 'early-response';
  return 'consultation';
}

function markDuties(
  duties: DutyRecord[],
  unitId: string,
  slot: ReportSlot,
  status: DutyStatus,
  onlyOpen: boolean,
): DutyRecord[] {
  let changed = false;
  const next = duties.map((d) => {
    if (d.unitId !== unitId || !sameSlot(d.responseDay, slot)) return d;
    if (onlyOpen && d.status !== 'pending') return d;
    if (d.status === status) return d;
    changed = true;
    return { ...d, status };
  });
  return changed ? next : duties;
}

function dropEscalation(list: EscalationRecord[], unitId: string, slot: ReportSlot): EscalationRecord[] {
  const next = list.filter((x) => !(x.unitId === unitId && x.responseDay === slot));
  return next.length === list.length ? list : next;
}

/** Applies one event. Pure: returns a new state object, sharing untouched parts. */
export function applyEvent(state: EpisodeState, event: EpisodeEvent): EpisodeState {
  const s: EpisodeState = { ...state, eventCount: state.eventCount + 1, lastEventAt: event.at };
  switch (event.type) {
    case 'episode.started':
      s.episodeId = event.episodeId;
      s.jurisdiction = event.jurisdiction;
      s.planId = event.planId;
      s.planVersion = event.planVersion;
      s.exercise = event.exercise;
      s.initiator = event.initiator;
      s.origin = event.origin;
      s.startedAt = event.at;
      s.phase = 'consultation';
      return s;
    case 'consultation.recorded':
      s.lastConsultation = {
        consultationId: event.consultationId,
        at: event.at,
        level: event.classification.level,
        early: event.early ?? false,
      };
      if (event.record)
        s.consultationRecords = [
          ...(state.consultationRecords ?? []),
          { consultationId: event.consultationId, at: event.at, ...event.record },
        ].slice(-20);
      s.dayForecasts = { ...(state.dayForecasts ?? {}) };
      for (const d of event.days) s.dayForecasts[d.date] = { date: d.date, aqi: d.aqi };
      // a provincial directive sets a floor for the level; a provincial lift removes it
      if (event.directive?.action === 'level' && event.directive.level) {
        const floor = state.directedFloor;
        s.directedFloor =
          floor && LEVEL_RANK[floor] >= LEVEL_RANK[event.directive.level] ? floor : event.directive.level;
      } else if (event.directive?.action === 'lift') s.directedFloor = null;
      return s;
    case 'level.proposed':
      s.pendingProposal = {
        proposalId: event.proposalId,
        kind: event.kind,
        level: event.level,
        reasons: event.reasons,
        proposedAt: event.at,
        escalations: 0,
      };
      s.phase = event.kind === 'start' && s.level === 'none' ? 'proposed' : restingPhase(s);
      return s;
    case 'commander.decided':
      s.decisions = [
        ...state.decisions,
        {
          proposalId: event.proposalId ?? null,
          decision: event.decision,
          level: event.level ?? null,
          at: event.at,
          by: actorId(event),
        },
      ];
      if (event.proposalId === undefined || state.pendingProposal?.proposalId === event.proposalId) {
        s.pendingProposal = null;
      }
      s.phase = restingPhase(s);
      return s;
    case 'warning.issued':
      s.level = event.level;
      s.response = event.response;
      s.warningId = event.warningId;
      s.firstDay = event.firstDay;
      s.earlyResponseActive = false;
      s.liftedAt = null;
      s.pendingProposal = null;
      if (state.pendingEarlyResponse) s.pendingEarlyResponse = null;
      s.warnings = [
        ...state.warnings,
        { kind: 'issued', level: event.level, response: event.response, at: event.at },
      ];
      s.phase = 'active';
      return s;
    case 'warning.changed':
      s.level = event.level;
      s.response = event.response;
      s.pendingProposal = null;
      s.warnings = [
        ...state.warnings,
        { kind: 'changed', level: event.level, response: event.response, at: event.at },
      ];
      s.phase = restingPhase(s);
      return s;
    case 'warning.lifted':
      s.level = 'none';
      s.response = null;
      s.liftedAt = event.at;
      s.pendingProposal = null;
      s.warnings = [
        ...state.warnings,
        { kind: 'lifted', level: event.level, response: event.response, at: event.at },
      ];
      s.phase = restingPhase(s);
      return s;
    case 'early-response.started':
      s.earlyResponseActive = true;
      if (state.pendingEarlyResponse) s.pendingEarlyResponse = null;
      if (s.firstDay === null) s.firstDay = event.firstDay;
      s.phase = restingPhase(s);
      return s;
    case 'early-response.ended':
      s.earlyResponseActive = false;
      if (s.level === 'none') s.liftedAt = event.at;
      s.phase = restingPhase(s);
      return s;
    case 'duty.assigned': {
      const slot = event.responseDay ?? null;
      const key = `${event.dutyId}|${event.unitId}|${slot ?? ''}`;
      const record: DutyRecord = {
        key,
        dutyId: event.dutyId,
        unitId: event.unitId,
        responseDay: slot,
        dueAt: event.dueAt ?? null,
        status: 'pending',
      };
      const index = state.duties.findIndex((d) => d.key === key);
      if (index < 0) s.duties = [...state.duties, record];
      else {
        const existing = state.duties[index] as DutyRecord;
        s.duties = state.duties.map((d, i) => (i === index ? { ...record, status: existing.status } : d));
      }
      return s;
    }
    case 'report.submitted': {
      const dayKey = String(event.responseDay);
      const dayReports = state.reports[dayKey] ?? {};
      const previous = dayReports[event.unitId];
      s.reports = {
        ...state.reports,
        [dayKey]: {
          ...dayReports,
          [event.unitId]: {
            reportId: event.reportId,
            at: event.at,
            late: previous ? previous.late : event.late,
            versions: (previous?.versions ?? 0) + 1,
          },
        },
      };
      if (!previous)
        s.duties = markDuties(
          state.duties,
          event.unitId,
          event.responseDay,
          event.late ? 'late' : 'submitted',
          false,
        );
      s.openEscalations = dropEscalation(state.openEscalations, event.unitId, event.responseDay);
      return s;
    }
    case 'report.overdue':
      s.duties = markDuties(state.duties, event.unitId, event.responseDay, 'overdue', true);
      return s;
    case 'escalation.step': {
      const rest = dropEscalation(state.openEscalations, event.unitId, event.responseDay);
      s.openEscalations = [
        ...rest,
        {
          unitId: event.unitId,
          responseDay: event.responseDay,
          step: event.step,
          targets: event.targets,
          at: event.at,
        },
      ];
      return s;
    }
    case 'escalation.stopped':
      s.openEscalations = dropEscalation(state.openEscalations, event.unitId, event.responseDay);
      return s;
    case 'work-summary.drafted':
      s.workSummary = {
        documentId: event.documentId,
        draftedAt: event.at,
        signer: null,
        signedBy: null,
        signedAt: null,
      };
      return s;
    case 'work-summary.signed':
      s.workSummary = {
        documentId: event.documentId,
        draftedAt: state.workSummary?.draftedAt ?? event.at,
        signer: event.signer,
        signedBy: event.actor === 'system' ? null : event.actor.id,
        signedAt: event.at,
      };
      return s;
    case 'notice.proposed':
      s.proposedNotices = [
        ...(state.proposedNotices ?? []),
        {
          noticeId: event.noticeId,
          unitId: event.unitId,
          responseDay: event.responseDay,
          reason: event.reason,
          dueAt: event.dueAt,
          at: event.at,
        },
      ];
      return s;
    case 'notice.declined': {
      const proposed = state.proposedNotices?.find((n) => n.noticeId === event.noticeId);
      s.proposedNotices = (state.proposedNotices ?? []).filter((n) => n.noticeId !== event.noticeId);
      s.declinedNotices = [
        ...(state.declinedNotices ?? []),
        { noticeId: event.noticeId, unitId: proposed?.unitId ?? '', reason: event.reason, at: event.at },
      ];
      return s;
    }
    case 'early-response.proposed':
      s.pendingEarlyResponse = { at: event.at, reasons: event.reasons };
      return s;
    case 'early-response.declined':
      s.pendingEarlyResponse = null;
      return s;
    case 'notice.circulated':
      if (state.proposedNotices?.some((n) => n.noticeId === event.noticeId))
        s.proposedNotices = state.proposedNotices.filter((n) => n.noticeId !== event.noticeId);
      s.notices = [
        ...state.notices,
        {
          noticeId: event.noticeId,
          unitId: event.unitId,
          responseDay: event.responseDay,
          reason: event.reason,
          at: event.at,
        },
      ];
      return s;
    case 'proposal.withdrawn':
      if (state.pendingProposal?.proposalId === event.proposalId) s.pendingProposal = null;
      s.withdrawnProposals = [
        ...(state.withdrawnProposals ?? []),
        { proposalId: event.proposalId, at: event.at, reason: event.reason },
      ];
      s.phase = restingPhase(s);
      return s;
    case 'proposal.escalated':
      if (state.pendingProposal && state.pendingProposal.proposalId === event.proposalId) {
        s.pendingProposal = { ...state.pendingProposal, escalations: state.pendingProposal.escalations + 1 };
      }
      return s;
    case 'electricity.assessed':
      s.electricity = {
        ...state.electricity,
        [event.day]: { level: event.level, counts: event.counts, nonCompliantIds: event.nonCompliantIds },
      };
      return s;
    case 'enforcement.followup':
      s.followups = state.followups + 1;
      return s;
    case 'summary.submitted':
      if (!state.summaries[event.unitId]) {
        s.summaries = {
          ...state.summaries,
          [event.unitId]: { summaryId: event.summaryId, at: event.at, late: event.late },
        };
        s.duties = markDuties(
          state.duties,
          event.unitId,
          'summary',
          event.late ? 'late' : 'submitted',
          false,
        );
      }
      s.openEscalations = dropEscalation(state.openEscalations, event.unitId, 'summary');
      return s;
    case 'document.produced': {
      const doc: DocumentRecord = { kind: event.kind, documentId: event.documentId, at: event.at };
      if (event.responseDay !== undefined) doc.responseDay = event.responseDay;
      s.documents = [...state.documents, doc];
      return s;
    }
    case 'notification.sent':
      s.notificationsSent = state.notificationsSent + 1;
      return s;
    case 'observation.recorded': {
      const observed = { ...(state.observed ?? {}) };
      for (const d of event.days) observed[d.date] = d;
      s.observed = observed;
      if (event.latest) s.latestObservation = event.latest;
      return s;
    }
    case 'acknowledgement.requested':
      s.acknowledgements = [
        ...(state.acknowledgements ?? []),
        {
          noticeKey: event.noticeKey,
          news: event.news,
          title: event.title,
          sentAt: event.at,
          dueAt: event.dueAt,
          units: event.units,
          acknowledged: {},
          overdueAt: null,
        },
      ];
      return s;
    case 'notice.acknowledged':
      s.acknowledgements = (state.acknowledgements ?? []).map((a) =>
        a.noticeKey === event.noticeKey
          ? { ...a, acknowledged: { ...a.acknowledged, [event.unitId]: event.at } }
          : a,
      );
      return s;
    case 'acknowledgement.overdue':
      s.acknowledgements = (state.acknowledgements ?? []).map((a) =>
        a.noticeKey === event.noticeKey ? { ...a, overdueAt: event.at } : a,
      );
      return s;
    case 'observation.worse':
      s.worseThanForecast = [
        ...(state.worseThanForecast ?? []),
        {
          date: event.date,
          observed: event.observed,
          forecast: event.forecast,
          reaches: event.reaches,
          text: event.text,
          at: event.at,
        },
      ];
      return s;
    case 'episode.closed':
      s.closedAt = event.at;
      s.closeReason = event.reason;
      s.pendingProposal = null;
      s.openEscalations = [];
      s.earlyResponseActive = false;
      s.phase = 'closed';
      return s;
  }
}

/** Folds a whole history. */
export function foldEpisode(
  events: ReadonlyArray<EpisodeEvent>,
  from: EpisodeState = initialEpisodeState(),
): EpisodeState {
  let state = from;
  for (const e of events) state = applyEvent(state, e);
  return state;
}

/**
 * The state as it was at `isoTime`: the fold of the prefix of events whose `at` is not later than
 * that instant (the workflow appends events in time order).
 */
export function stateAt(events: ReadonlyArray<EpisodeEvent>, isoTime: string): EpisodeState {
  const t = parseIso(isoTime);
  let state = initialEpisodeState();
  for (const e of events) {
    if (parseIso(e.at) > t) break;
    state = applyEvent(state, e);
  }
  return state;
}
