/**
 * The inputs and results of the episode workflow's activities, as plain JSON shapes. The workflow
 * schedules activities with these and `src/activities/` implements them; types only, so neither
 * side imports the other's code. Golden histories replay against these shapes: keep them as they are.
 */
import type { DocumentKind } from '../adapters/reporting/facts.js';
import type { ElectricityCounts, ForecastDay, WarningLevel } from '../domain/index.js';
import type { ObservationInput, ReportFields } from './messages.js';
import type { EpisodeView, SequencedEvent } from './view.js';

/** `recordEvents`: domain events for the audit log and the read model. */
export interface RecordEventsInput {
  episodeId: string;
  events: SequencedEvent[];
  /** The whole view (on phase changes); otherwise `summary` is merged into the stored one. */
  view?: EpisodeView;
  summary: Partial<EpisodeView> & Pick<EpisodeView, 'phase' | 'level' | 'response' | 'closedAt'>;
}

/** `notify`: a plan template rendered with `vars`, sent to each recipient. */
export interface NotifyInput {
  episodeId: string;
  step: string;
  planId: string;
  planVersion: number;
  template: string;
  recipients: string[];
  vars: Record<string, string | number>;
  exercise: boolean;
}

/** `publishWarning`: the public warning as text and CAP 1.2. */
export interface PublishWarningInput {
  episodeId: string;
  planId: string;
  planVersion: number;
  identifier: string;
  sent: string;
  /** When the warning (or its change or lift) takes effect; `sent` when absent. */
  effective?: string;
  msgType: 'Alert' | 'Update' | 'Cancel';
  references: { identifier: string; sent: string } | null;
  level: WarningLevel;
  jurisdiction: string;
  forecast: ForecastDay[];
  maxAqi: number;
  exercise: boolean;
}

/** `storeReport`: a unit's daily report as the workflow accepted it. */
export interface StoreReportInput {
  episodeId: string;
  unitId: string;
  responseDay: number;
  reportId: string;
  fields: ReportFields;
  submittedBy: string;
  late: boolean;
  at: string;
}

/** `storeSummary`: a unit's summary after the lift. */
export interface StoreSummaryInput {
  episodeId: string;
  unitId: string;
  summaryId: string;
  text: string;
  submittedBy: string;
  late: boolean;
  at: string;
}

/** `assessElectricity`: one day's electricity accounting of the emergency reduction list. */
export interface AssessElectricityInput {
  episodeId: string;
  planId: string;
  planVersion: number;
  episodeStartMs: number;
  day: string;
  level: WarningLevel;
}

export interface AssessElectricityResult {
  counts: ElectricityCounts;
  nonCompliant: Array<{ enterpriseId: string; county: string }>;
}

/** `produceDocument`: what the workflow knows about the episode, compact and JSON-only. */
export interface DocumentRequest {
  episodeId: string;
  kind: DocumentKind;
  key: string;
  planId: string;
  planVersion: number;
  jurisdiction: string;
  exercise: boolean;
  issuedAt: string;
  responseDay?: number;
  reportDate?: string;
  unitId?: string;
  overview: string[];
  earlyResponseFrom: string | null;
  warnings: Array<{ kind: 'issued' | 'changed' | 'lifted'; level: WarningLevel; at: string }>;
  decisions: Array<{ decision: string; level: string | null; at: string; by: string }>;
  duties: Array<{
    dutyId: string;
    unitId: string;
    status: string;
    responseDay: number | 'summary' | null;
    dueAt: string | null;
  }>;
  lateUnits: Array<{ unitId: string; item: string; dueAt: string; submittedAt?: string }>;
  notices: Array<{ unitId: string; at: string; reason: string }>;
  electricityDays: string[];
  forecast: ForecastDay[];
  liftedAt: string | null;
}

/** `observationsForOpenEpisodes`: the hours an import brought, [fromMs, toMs). */
export interface ObservationWindow {
  fromMs: number;
  toMs: number;
  /** The feed's clock (the workflow's time): hours after it are not yet over. Absent = the activity's clock. */
  nowMs?: number;
}

/** One open episode and what its jurisdiction's stations observed over the window (#14.3). */
export interface EpisodeObservation {
  episodeId: string;
  observation: ObservationInput;
}
