/**
 * What the episode's Query answers and the read model stores: the live state sized for an API
 * response, and the sequenced domain events the workflow appends. Types only.
 */
import type {
  DutyRecord,
  EpisodeEvent,
  EpisodePhase,
  EpisodeState,
  EscalationRecord,
  ForecastDay,
  LatestObservation,
  LevelOrNone,
  PendingProposal,
  ProcessDayRow,
  ResponseGrade,
} from '../domain/index.js';

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
  /** How many 通报 were issued. */
  noticeCount: number;
  /** 通报 the ladder proposed that await the office's decision (五(四)2). */
  proposedNotices: NonNullable<EpisodeState['proposedNotices']>;
  /** 通报 the office declined, with its reasons. */
  declinedNotices: NonNullable<EpisodeState['declinedNotices']>;
  /** The work summary: a draft awaiting the office's 签发, or signed (who, when); null before it exists. */
  workSummary: NonNullable<EpisodeState['workSummary']> | null;
  /** An early response proposed to the office, awaiting its confirmation (五(二)1). */
  pendingEarlyResponse: NonNullable<EpisodeState['pendingEarlyResponse']> | null;
  /** The last consultations' records: participants, products, conclusion (#18.4). */
  consultationRecords?: NonNullable<EpisodeState['consultationRecords']>;
  /** Warning notices and their 签收: who has acknowledged, who not (absent before #15.6). */
  acknowledgements?: NonNullable<EpisodeState['acknowledgements']>;
  /** The process day by day, forecast beside observed (absent in views projected before #14.3). */
  processDays?: ProcessDayRow[];
  /** The latest rolling 24-h AQI observed. */
  latestObservation?: LatestObservation | null;
  /** Days observed worse than forecast (the office was prompted to consult again). */
  worseThanForecast?: NonNullable<EpisodeState['worseThanForecast']>;
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

/** A domain event with its place in the episode's log (gap-free from 1). */
export interface SequencedEvent {
  seq: number;
  event: EpisodeEvent;
}
