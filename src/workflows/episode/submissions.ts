/**
 * Arrival of unit reports and episode summaries: judged by when the API received them, after the
 * days that had begun and the ladder steps that had fallen due by then; stored by an activity.
 */
import { parseIso, toCstIso } from '../../domain/index.js';
import type { ReportInput, ReportResult, SummaryInput, SummaryResult } from '../definitions.js';
import { store } from './activities.js';
import { dayAt, reportDue, summaryDueMs } from './calendar.js';
import { assignDays } from './duties.js';
import { takeEscalationSteps } from './ladder.js';
import { type EpisodeRun, emit, now, nowIso, spawn } from './run.js';
import { actorOf } from './validators.js';

/**
 * When a report or summary arrived: the API's receipt time when it gave one (so an outage between
 * the API and the workflow does not make an on-time report late). Taken as given — the validator
 * has bounded it — so that every replay judges the report the same way.
 */
function arrivalOf(receivedAt: string | undefined): number {
  return receivedAt === undefined ? now() : parseIso(receivedAt);
}

/**
 * Before a report or summary is recorded: assign the days that have begun and take every ladder step
 * that fell due before it arrived (a deadline timer handled in the same activation would otherwise
 * come second and find nothing to chase).
 */
function catchUp(run: EpisodeRun, arrivedMs: number, responseDay?: number): void {
  // the validator let a report for a day that had begun by the workflow's clock through; its duty
  // exists before the report does even when the API received it a moment before midnight
  const dayStart =
    responseDay !== undefined && run.schedule.origin ? dayAt(run, responseDay, '00:00') : arrivedMs;
  assignDays(run, Math.max(arrivedMs, dayStart));
  takeEscalationSteps(run, arrivedMs);
}

export function submitReport(run: EpisodeRun, r: ReportInput): ReportResult {
  const existing = run.state.reports[String(r.responseDay)]?.[r.unitId];
  const base = { reportId: r.reportId, unitId: r.unitId, responseDay: r.responseDay };
  if (existing && existing.reportId === r.reportId) {
    return { ...base, late: existing.late, replaced: false, duplicate: true, seq: run.seq };
  }
  const arrived = arrivalOf(r.receivedAt);
  catchUp(run, arrived, r.responseDay);
  const late = arrived > reportDue(run, r.responseDay);
  const replaced = existing !== undefined;
  const at = nowIso(run);
  emit(run, {
    type: 'report.submitted',
    at,
    actor: actorOf(r.actor),
    unitId: r.unitId,
    responseDay: r.responseDay,
    reportId: r.reportId,
    late,
    replaced,
    receivedAt: toCstIso(arrived),
  });
  if (run.schedule.stepsTaken[`${r.responseDay}|${r.unitId}`] && !replaced) {
    emit(run, {
      type: 'escalation.stopped',
      at,
      actor: 'system',
      unitId: r.unitId,
      responseDay: r.responseDay,
      reason: 'submitted',
    });
  }
  spawn(run, 'store report', () =>
    store.storeReport({
      episodeId: run.episodeId,
      unitId: r.unitId,
      responseDay: r.responseDay,
      reportId: r.reportId,
      fields: r.fields,
      submittedBy: r.actor.id,
      late,
      at: toCstIso(arrived),
    }),
  );
  return { ...base, late, replaced, duplicate: false, seq: run.seq };
}

export function submitSummary(run: EpisodeRun, s: SummaryInput): SummaryResult {
  const existing = run.state.summaries[s.unitId];
  if (existing) return { summaryId: existing.summaryId, late: existing.late, seq: run.seq };
  const arrived = arrivalOf(s.receivedAt);
  catchUp(run, arrived);
  const late = arrived > summaryDueMs(run);
  const at = nowIso(run);
  emit(run, {
    type: 'summary.submitted',
    at,
    actor: actorOf(s.actor),
    unitId: s.unitId,
    summaryId: s.summaryId,
    late,
    receivedAt: toCstIso(arrived),
  });
  if (run.schedule.stepsTaken[`summary|${s.unitId}`]) {
    emit(run, {
      type: 'escalation.stopped',
      at,
      actor: 'system',
      unitId: s.unitId,
      responseDay: 'summary',
      reason: 'submitted',
    });
  }
  spawn(run, 'store summary', () =>
    store.storeSummary({
      episodeId: run.episodeId,
      unitId: s.unitId,
      summaryId: s.summaryId,
      text: s.text,
      submittedBy: s.actor.id,
      late,
      at: toCstIso(arrived),
    }),
  );
  return { summaryId: s.summaryId, late, seq: run.seq };
}
