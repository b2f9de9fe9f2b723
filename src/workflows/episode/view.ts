/**
 * The episode view answered by the Query and projected to PostgreSQL: the live state sized for an
 * API response (recent duties, open escalations, the last notices and events).
 */
import { dutiesInView, processTable } from '../../domain/index.js';
import type { EpisodeView } from '../definitions.js';
import { dayOf } from './calendar.js';
import { type EpisodeRun, now, responding } from './run.js';

export function view(run: EpisodeRun): EpisodeView {
  const { state, schedule } = run;
  const today = responding(run) || schedule.liftedMs !== null ? dayOf(run, now()) : null;
  const duties = dutiesInView(state.duties, today);
  return {
    episodeId: run.episodeId,
    jurisdiction: state.jurisdiction,
    planId: state.planId,
    planVersion: state.planVersion,
    exercise: state.exercise,
    phase: state.phase,
    level: state.level,
    response: state.response,
    origin: state.origin,
    startedAt: state.startedAt,
    firstDay: schedule.origin?.firstDay ?? null,
    responseDay: today,
    forecast: run.forecast,
    pendingProposal: state.pendingProposal,
    duties,
    openEscalations: state.openEscalations.filter(
      (e) => e.responseDay === 'summary' || e.responseDay > schedule.settledThrough,
    ),
    overdueCount: state.duties.filter((d) => d.status === 'overdue').length,
    notices: state.notices.slice(-20),
    noticeCount: state.notices.length,
    proposedNotices: state.proposedNotices ?? [],
    declinedNotices: state.declinedNotices ?? [],
    pendingEarlyResponse: state.pendingEarlyResponse ?? null,
    workSummary: state.workSummary ?? null,
    processDays: processTable(state.dayForecasts ?? {}, state.observed ?? {}),
    latestObservation: state.latestObservation ?? null,
    acknowledgements: (state.acknowledgements ?? []).slice(-10),
    consultationRecords: state.consultationRecords ?? [],
    worseThanForecast: state.worseThanForecast ?? [],
    documents: state.documents,
    decisions: state.decisions,
    warnings: state.warnings,
    electricity: Object.fromEntries(
      Object.entries(state.electricity).map(([day, e]) => [
        day,
        { ...e, nonCompliantIds: e.nonCompliantIds.slice(0, 20) },
      ]),
    ),
    summaries: state.summaries,
    liftedAt: state.liftedAt,
    closedAt: state.closedAt,
    closeReason: state.closeReason,
    eventCount: run.seq,
    recentEvents: run.recent.slice(-20),
  };
}
