/**
 * The state an episode carries across continue-as-new (part of the workflow's start input): the
 * domain state plus the workflow's own bookkeeping. Small plain JSON; types only. Changing it
 * changes what running episodes carry, so keep old fields readable.
 */
import type { EpisodeState, ForecastDay, WarningLevel } from '../domain/index.js';
import type { SequencedEvent } from './view.js';

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
  /**
   * Each CST date's AQI as last forecast before it passed (by date): the process's elapsed days for a
   * level change. Absent in runs started before the rule.
   */
  dayAqi?: Record<string, ForecastDay>;
  /**
   * The consultation whose forecast an observation last proposed a lift on: one proposal per
   * forecast, so a declined lift is not proposed again on every hour's observation (#14.3).
   */
  observedLiftFor?: string;
}
