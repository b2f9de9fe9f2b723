/**
 * The episode as the API serves it: built from the projection's tables (`episodes` + the folded
 * state in `episode_projection`), never from a workflow Query, so reads need no worker at all.
 */
import type pg from 'pg';
import { type EpisodeState, type ForecastDay, dutiesInView, processTable } from '../domain/index.js';
import type { EpisodeView, SequencedEvent } from '../contracts/index.js';

export interface ProjectedRow {
  id: string;
  /** The last view or summary the workflow projected (workflow-only facts: response day, counters). */
  view: EpisodeView;
  applied_seq: number | null;
  state: EpisodeState | null;
  forecast: ForecastDay[] | null;
  recent: SequencedEvent[] | null;
}

export async function loadProjected(pool: pg.Pool, id: string): Promise<ProjectedRow | null> {
  const { rows } = await pool.query<ProjectedRow>(
    `SELECT e.id, e.state AS view, p.applied_seq, p.state, p.forecast, p.recent
       FROM episodes e LEFT JOIN episode_projection p ON p.episode_id = e.id WHERE e.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** The sequence the projection has applied for an episode (0 when it has none yet). */
export async function appliedSeq(pool: pg.Pool, id: string): Promise<number> {
  const { rows } = await pool.query<{ applied_seq: number }>(
    'SELECT applied_seq FROM episode_projection WHERE episode_id = $1',
    [id],
  );
  return rows[0]?.applied_seq ?? 0;
}

/**
 * The EpisodeView of a projected episode: the same selection the workflow's Query makes (duties of
 * the current and previous day, standing and open ones; 20 latest notices and events), from the
 * folded state. An episode projected before the fold existed answers its stored view.
 */
export function projectedView(row: ProjectedRow): EpisodeView {
  const s = row.state;
  if (!s || row.applied_seq === null || row.applied_seq === 0) return row.view;
  const v = row.view;
  const today = v.responseDay ?? null;
  const duties = dutiesInView(s.duties, today);
  return {
    episodeId: row.id,
    jurisdiction: s.jurisdiction,
    planId: s.planId,
    planVersion: s.planVersion,
    exercise: s.exercise,
    phase: s.phase,
    level: s.level,
    response: s.response,
    origin: s.origin,
    startedAt: s.startedAt,
    firstDay: s.firstDay ?? v.firstDay ?? null,
    responseDay: s.phase === 'closed' ? (v.responseDay ?? null) : today,
    forecast: row.forecast && row.forecast.length > 0 ? row.forecast : (v.forecast ?? []),
    pendingProposal: s.pendingProposal,
    duties,
    // The ladder's settled days are the workflow's bookkeeping: it projects the open list each time.
    openEscalations: v.openEscalations ?? s.openEscalations,
    overdueCount: s.duties.filter((d) => d.status === 'overdue').length,
    notices: s.notices.slice(-20),
    noticeCount: s.notices.length,
    proposedNotices: s.proposedNotices ?? [],
    declinedNotices: s.declinedNotices ?? [],
    pendingEarlyResponse: s.pendingEarlyResponse ?? null,
    workSummary: s.workSummary ?? null,
    processDays: processTable(s.dayForecasts ?? {}, s.observed ?? {}),
    latestObservation: s.latestObservation ?? null,
    acknowledgements: (s.acknowledgements ?? []).slice(-10),
    consultationRecords: s.consultationRecords ?? [],
    worseThanForecast: s.worseThanForecast ?? [],
    documents: s.documents,
    decisions: s.decisions,
    warnings: s.warnings,
    electricity: Object.fromEntries(
      Object.entries(s.electricity).map(([day, e]) => [
        day,
        { ...e, nonCompliantIds: e.nonCompliantIds.slice(0, 20) },
      ]),
    ),
    summaries: s.summaries,
    liftedAt: s.liftedAt,
    closedAt: s.closedAt,
    closeReason: s.closeReason,
    eventCount: row.applied_seq,
    recentEvents: row.recent ?? [],
  };
}
