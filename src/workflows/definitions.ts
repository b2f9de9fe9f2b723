/**
 * Messages of the episode workflow (its type name, the query and the updates), shared by the
 * workflow, the API and the tests. The shapes they carry live in `src/contracts/` (types only, so
 * activities can use them without importing the workflow) and are re-exported here.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AcknowledgeInput,
  CloseInput,
  ConsultationInput,
  ConsultationResult,
  DecisionInput,
  EarlyResponseDecisionInput,
  EpisodeView,
  NoticeDecisionInput,
  ObservationInput,
  ReportInput,
  SignWorkSummaryInput,
  ReportResult,
  SummaryInput,
  SummaryResult,
} from '../contracts/index.js';

export type { ForecastDay } from '../domain/index.js';
export type {
  AcknowledgeInput,
  CarriedState,
  CloseInput,
  ConsultationInput,
  ConsultationResult,
  DecisionInput,
  DecisionKind,
  EarlyResponseDecisionInput,
  EpisodeView,
  NoticeDecisionInput,
  ObservationInput,
  Principal,
  SignWorkSummaryInput,
  ReportFields,
  ReportInput,
  ReportResult,
  Schedule,
  SequencedEvent,
  StartEpisodeInput,
  SummaryInput,
  SummaryResult,
} from '../contracts/index.js';

export const EPISODE_WORKFLOW_TYPE = 'episodeWorkflow';
export const OBSERVATION_FEED_WORKFLOW_TYPE = 'observationFeedWorkflow';

/** Observed air quality from the observation feed (a signal: sent by a workflow, never refused). */
export const observedSignal = defineSignal<[ObservationInput]>('observed');

export const episodeStateQuery = defineQuery<EpisodeView>('episodeState');
export const consultUpdate = defineUpdate<ConsultationResult, [ConsultationInput]>('consult');
export const decideUpdate = defineUpdate<EpisodeView, [DecisionInput]>('decide');
export const submitReportUpdate = defineUpdate<ReportResult, [ReportInput]>('submitReport');
export const submitSummaryUpdate = defineUpdate<SummaryResult, [SummaryInput]>('submitSummary');
export const closeEpisodeUpdate = defineUpdate<EpisodeView, [CloseInput]>('closeEpisode');
export const signWorkSummaryUpdate = defineUpdate<EpisodeView, [SignWorkSummaryInput]>('signWorkSummary');
/** A unit acknowledges (签收) a warning notice (#15.6). */
export const acknowledgeNoticeUpdate = defineUpdate<EpisodeView, [AcknowledgeInput]>('acknowledgeNotice');
export const decideNoticeUpdate = defineUpdate<EpisodeView, [NoticeDecisionInput]>('decideNotice');
export const decideEarlyResponseUpdate = defineUpdate<EpisodeView, [EarlyResponseDecisionInput]>(
  'decideEarlyResponse',
);
